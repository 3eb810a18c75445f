#include "mappings/jsonata/lexer.h"

#include <cmath>
#include <cstdlib>

#include "mappings/jsonata/error.h"
#include "mappings/jsonata/utf.h"

namespace simpul::mappings::jsonata {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

bool is_delimiter(char c) {
  switch (c) {
    case '.': case '[': case ']': case '{': case '}': case '(': case ')': case ',': case '@':
    case '#': case ';': case ':': case '?': case '+': case '-': case '*': case '/': case '%':
    case '|': case '=': case '<': case '>': case '^': case '&': case '!': case '~': case '"':
    case '\'': case '`':
      return true;
    default:
      return is_space(c);
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

token lexer::make(token_kind k, std::string text) const {
  token t;
  t.kind = k;
  t.text = std::move(text);
  t.pos = static_cast<std::int64_t>(pos_);
  return t;
}

void lexer::skip_space_and_comments() {
  for (;;) {
    while (pos_ < src_.size() && is_space(src_[pos_])) ++pos_;
    if (pos_ + 1 < src_.size() && src_[pos_] == '/' && src_[pos_ + 1] == '*') {
      auto close = src_.find("*/", pos_ + 2);
      if (close == std::string_view::npos) {
        pos_ = src_.size();
        raise("S0106", static_cast<std::int64_t>(pos_));
      }
      pos_ = close + 2;
      continue;
    }
    return;
  }
}

token lexer::next(bool regex_allowed) {
  skip_space_and_comments();
  if (pos_ >= src_.size()) return make(token_kind::end, "");
  char c = src_[pos_];
  if (regex_allowed && c == '/') {
    ++pos_;
    return scan_regex();
  }
  auto two = [&](const char* op) {
    return pos_ + 1 < src_.size() && src_[pos_] == op[0] && src_[pos_ + 1] == op[1];
  };
  static const char* const two_char_ops[] = {"..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??"};
  for (const char* op : two_char_ops) {
    if (two(op)) {
      pos_ += 2;
      return make(token_kind::op, op);
    }
  }
  if (c == '"' || c == '\'') {
    ++pos_;
    return scan_string(c);
  }
  if (c >= '0' && c <= '9') return scan_number();
  if (c == '`') {
    auto close = src_.find('`', pos_ + 1);
    if (close == std::string_view::npos) {
      pos_ = src_.size();
      raise("S0105", static_cast<std::int64_t>(pos_));
    }
    std::string name(src_.substr(pos_ + 1, close - pos_ - 1));
    pos_ = close + 1;
    return make(token_kind::name, std::move(name));
  }
  if (c == '!' || c == '~') raise("S0204", static_cast<std::int64_t>(pos_ + 1), std::string(1, c));
  if (is_delimiter(c)) {
    ++pos_;
    return make(token_kind::op, std::string(1, c));
  }
  // λ is a synonym of `function`.
  if (src_.substr(pos_, 2) == "\xCE\xBB") {
    pos_ += 2;
    return make(token_kind::name, "function");
  }
  bool is_var = c == '$';
  std::size_t start = is_var ? pos_ + 1 : pos_;
  std::size_t i = start;
  // `$` is an ordinary name character after the first: `$$` is the variable
  // named "$" (the root), `$a$` the variable "a$".
  while (i < src_.size() && !is_delimiter(src_[i])) ++i;
  std::string word(src_.substr(start, i - start));
  pos_ = i;
  if (is_var) return make(token_kind::variable, std::move(word));
  if (word == "and" || word == "or" || word == "in") return make(token_kind::op, std::move(word));
  if (word == "true" || word == "false" || word == "null") return make(token_kind::value, std::move(word));
  return make(token_kind::name, std::move(word));
}

token lexer::scan_string(char quote) {
  std::string out;
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == quote) {
      ++pos_;
      return make(token_kind::string, std::move(out));
    }
    if (c == '\\') {
      ++pos_;
      if (pos_ >= src_.size()) break;
      char e = src_[pos_];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          auto read4 = [&](std::size_t at, std::uint32_t& cp) {
            if (at + 4 > src_.size()) return false;
            cp = 0;
            for (std::size_t k = 0; k < 4; ++k) {
              int h = hex_digit(src_[at + k]);
              if (h < 0) return false;
              cp = cp * 16 + static_cast<std::uint32_t>(h);
            }
            return true;
          };
          std::uint32_t cp;
          if (!read4(pos_ + 1, cp)) raise("S0104", static_cast<std::int64_t>(pos_));
          pos_ += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 6 < src_.size() + 0 && src_[pos_ + 1] == '\\' &&
              src_[pos_ + 2] == 'u') {
            std::uint32_t lo;
            if (read4(pos_ + 3, lo) && lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              pos_ += 6;
            }
          }
          append_utf8(out, cp);
          break;
        }
        default:
          raise("S0103", static_cast<std::int64_t>(pos_), std::string(1, e));
      }
      ++pos_;
      continue;
    }
    out += c;
    ++pos_;
  }
  raise("S0101", static_cast<std::int64_t>(pos_));
}

token lexer::scan_number() {
  std::size_t i = pos_;
  while (i < src_.size() && src_[i] >= '0' && src_[i] <= '9') ++i;
  if (i + 1 < src_.size() && src_[i] == '.' && src_[i + 1] >= '0' && src_[i + 1] <= '9') {
    ++i;
    while (i < src_.size() && src_[i] >= '0' && src_[i] <= '9') ++i;
  }
  if (i < src_.size() && (src_[i] == 'e' || src_[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < src_.size() && (src_[j] == '+' || src_[j] == '-')) ++j;
    if (j < src_.size() && src_[j] >= '0' && src_[j] <= '9') {
      while (j < src_.size() && src_[j] >= '0' && src_[j] <= '9') ++j;
      i = j;
    }
  }
  std::string text(src_.substr(pos_, i - pos_));
  pos_ = i;
  double d = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(d)) raise("S0102", static_cast<std::int64_t>(pos_), text);
  token t = make(token_kind::number, text);
  t.number = d;
  return t;
}

std::string lexer::raw_signature() {
  std::size_t start = pos_;
  int depth = 1;
  while (pos_ < src_.size()) {
    char c = src_[pos_++];
    if (c == '<') ++depth;
    if (c == '>' && --depth == 0) return std::string(src_.substr(start, pos_ - 1 - start));
  }
  raise("S0203", static_cast<std::int64_t>(pos_), "", ">");
}

token lexer::scan_regex() {
  std::size_t start = pos_;
  int depth = 0;
  while (pos_ < src_.size()) {
    char c = src_[pos_];
    if (c == '\\') {
      pos_ += 2;
      continue;
    }
    if (c == '[') ++depth;
    if (c == ']' && depth > 0) --depth;
    if (c == '/' && depth == 0) {
      std::string pattern(src_.substr(start, pos_ - start));
      if (pattern.empty()) raise("S0301", static_cast<std::int64_t>(pos_));
      ++pos_;
      std::size_t fs = pos_;
      // the documented flags are `i` and `m`; any other letter is the next token
      while (pos_ < src_.size() && (src_[pos_] == 'i' || src_[pos_] == 'm'))
        ++pos_;
      token t = make(token_kind::regex, std::move(pattern));
      t.flags = std::string(src_.substr(fs, pos_ - fs));
      return t;
    }
    ++pos_;
  }
  raise("S0302", static_cast<std::int64_t>(pos_));
}

}  // namespace simpul::mappings::jsonata
