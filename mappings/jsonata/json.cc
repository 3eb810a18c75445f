#include "mappings/jsonata/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "mappings/formats/json_input.h"

namespace simpul::mappings::jsonata {
namespace {

// Builds values straight from SAX events. Keys and values wait on one stack
// until their container closes; RapidJSON then gives the member count, so
// each array and object is allocated once at its final size.
class builder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, builder> {
 public:
  builder(std::vector<value>& stack, std::size_t max_nesting) : stack_(stack), max_nesting_(max_nesting) {}
  bool Null() { return add(value::null()); }
  bool Bool(bool b) { return add(value::boolean(b)); }
  bool Int(int i) { return add(value::number(i)); }
  bool Uint(unsigned u) { return add(value::number(u)); }
  bool Int64(std::int64_t i) { return add(value::number(static_cast<double>(i))); }
  bool Uint64(std::uint64_t u) { return add(value::number(static_cast<double>(u))); }
  bool Double(double d) { return add(value::number(d)); }
  // Numbers arrive as text (kParseNumbersAsStringsFlag): see formats/json_input.h.
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    auto d = formats::json_number_to_double({s, n});
    if (!d) {
      too_big = true;
      return false;
    }
    return add(value::number(*d));
  }
  bool too_big = false;  // the parse stopped at a number too large for a double
  bool String(const char* s, rapidjson::SizeType n, bool) { return add(value::string({s, n})); }
  bool Key(const char* s, rapidjson::SizeType n, bool) { return add(value::string({s, n})); }
  // Nesting is bounded so that recursive walks of a value stay within the stack.
  static constexpr std::size_t default_max_nesting = 1000;
  bool StartObject() { return ++depth_ <= max_nesting_; }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    const std::size_t first = stack_.size() - 2 * static_cast<std::size_t>(members);
    value o = value::new_object();
    o.obj_mut().entries.reserve(members);
    // put() keeps the first position and the last value of a repeated key
    for (std::size_t i = first; i < stack_.size(); i += 2) o.set(std::move(stack_[i]), std::move(stack_[i + 1]));
    stack_.resize(first);
    return add(std::move(o));
  }
  bool StartArray() { return ++depth_ <= max_nesting_; }
  bool EndArray(rapidjson::SizeType items) {
    --depth_;
    const std::size_t first = stack_.size() - items;
    value a = value::new_array(0, items);
    for (std::size_t i = first; i < stack_.size(); ++i) a.push(std::move(stack_[i]));
    stack_.resize(first);
    return add(std::move(a));
  }

 private:
  bool add(value v) {
    stack_.push_back(std::move(v));
    return true;
  }
  std::vector<value>& stack_;
  std::size_t max_nesting_;
  std::size_t depth_ = 0;
};

void indent(std::string& out, int level) {
  out += '\n';
  out.append(static_cast<std::size_t>(level) * 2, ' ');
}

void write(std::string& out, const value& v, const json_style& style, int level) {
  switch (v.kind()) {
    case value_kind::undefined:
    case value_kind::null:
      out += "null";
      return;
    case value_kind::boolean:
      out += v.as_bool() ? "true" : "false";
      return;
    case value_kind::number: {
      double d = v.as_number();
      if (!std::isfinite(d)) {
        out += "null";
        return;
      }
      if (style.precision15 && d != std::trunc(d)) {  // integers are kept exactly
        char buf[40];
        auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific, 14);
        d = std::strtod(std::string(buf, r.ptr).c_str(), nullptr);
      }
      format_number(out, d);
      return;
    }
    case value_kind::string:
      write_json_string(out, v.as_string());
      return;
    case value_kind::function:
      out += "\"\"";
      return;
    case value_kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.arr().items) {
        if (!first) out += ',';
        first = false;
        if (style.pretty) indent(out, level + 1);
        write(out, item, style, level + 1);
      }
      if (style.pretty && !first) indent(out, level);
      out += ']';
      return;
    }
    case value_kind::object: {
      out += '{';
      bool first = true;
      for (const auto& [k, item] : v.obj().entries) {
        if (item.is_undefined()) continue;
        if (!first) out += ',';
        first = false;
        if (style.pretty) indent(out, level + 1);
        write_json_string(out, k.as_string());
        out += style.pretty ? ": " : ":";
        write(out, item, style, level + 1);
      }
      if (style.pretty && !first) indent(out, level);
      out += '}';
      return;
    }
  }
}

}  // namespace

// JSON may escape lone UTF-16 surrogates, which UTF-8 cannot carry; keep
// them as WTF-8 bytes (what RapidJSON refuses to decode) so functions that
// care (URL encoding) can report them.
static std::string surrogates_to_wtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex4 = [&](std::size_t at, unsigned& cp) {
    if (at + 4 > text.size()) return false;
    cp = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      char c = text[at + k];
      int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0) return false;
      cp = cp * 16 + static_cast<unsigned>(d);
    }
    return true;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned cp, lo;
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\\') {
      out += "\\\\";
      ++i;
      continue;
    }
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'u' && hex4(i + 2, cp) && cp >= 0xD800 && cp < 0xE000) {
      bool pair = cp < 0xDC00 && i + 11 < text.size() + 0 && text[i + 6] == '\\' && text[i + 7] == 'u' &&
                  hex4(i + 8, lo) && lo >= 0xDC00 && lo < 0xE000;
      if (pair) {
        out.append(text.substr(i, 12));
        i += 11;
        continue;
      }
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
      i += 5;
      continue;
    }
    out += text[i];
  }
  return out;
}

// Per-thread scratch of parse_json, kept between calls so that a parse
// allocates only the values it returns: the text is copied into `text` and
// parsed in place (RapidJSON's SSE2 string and whitespace scans apply to
// in-situ streams only), and the reader's and builder's stacks keep their
// capacity.
struct parse_scratch {
  std::string text;
  std::vector<value> stack;
  rapidjson::Reader reader;
  bool busy = false;
};

// One parse of `text` (a byte-order mark skipped; offsets still count from
// byte 0). Flags: the strict document grammar, or kParseStopWhenDoneFlag
// for parse_json's "a value, then anything".
template <unsigned extra_flags>
static std::expected<value, json_syntax_error> parse_in_place(std::string_view text, std::size_t max_nesting) {
  thread_local parse_scratch shared;
  parse_scratch local;
  parse_scratch& sc = shared.busy ? local : shared;  // never re-entered today; stay correct if it is
  sc.busy = true;
  const std::size_t skip = formats::json_bom_length(text);
  sc.text.assign(text.substr(skip));  // NUL-terminated: the in-situ stream stops there as MemoryStream did at its end
  sc.stack.clear();
  builder b(sc.stack, max_nesting);
  rapidjson::InsituStringStream is(sc.text.data());
  auto ok = sc.reader.Parse<rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag |
                            rapidjson::kParseIterativeFlag | extra_flags>(is, b);
  value result;
  if (!ok.IsError() && sc.stack.size() == 1) result = std::move(sc.stack.front());
  sc.stack.clear();
  if (sc.text.capacity() > 1 << 20) std::string().swap(sc.text);  // do not pin one huge body per thread
  if (sc.stack.capacity() > 1 << 16) std::vector<value>().swap(sc.stack);
  sc.busy = false;
  if (ok.IsError()) {
    // Only the builder stops a parse (kParseErrorTermination): at a number
    // too large for a double, or past the nesting bound.
    auto code = b.too_big ? rapidjson::kParseErrorNumberTooBig : ok.Code();
    return std::unexpected(json_syntax_error{ok.Offset() + skip, code});
  }
  return result;
}

std::expected<value, json_syntax_error> parse_json_document(std::string_view text, std::size_t max_depth) {
  return parse_in_place<0>(text, max_depth);
}

std::expected<value, std::string> parse_json(std::string_view text) {
  constexpr unsigned lenient = rapidjson::kParseStopWhenDoneFlag;  // a value, then anything
  auto r = parse_in_place<lenient>(text, builder::default_max_nesting);
  if (!r && r.error().code == rapidjson::kParseErrorStringUnicodeSurrogateInvalid) {
    r = parse_in_place<lenient>(surrogates_to_wtf8(text), builder::default_max_nesting);
  }
  if (r) return std::move(*r);
  std::string what = r.error().code != rapidjson::kParseErrorTermination
                         ? std::string(rapidjson::GetParseError_En(r.error().code))
                         : "nested deeper than " + std::to_string(builder::default_max_nesting) +
                               " levels of arrays and objects";
  return std::unexpected(what + " at offset " + std::to_string(r.error().offset));
}

value from_rapidjson(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return value::null();
    case rapidjson::kFalseType:
      return value::boolean(false);
    case rapidjson::kTrueType:
      return value::boolean(true);
    case rapidjson::kNumberType:
      return value::number(v.GetDouble());
    case rapidjson::kStringType:
      return value::string({v.GetString(), v.GetStringLength()});
    case rapidjson::kArrayType: {
      value a = value::new_array(0, v.Size());
      for (const auto& item : v.GetArray()) a.push(from_rapidjson(item));
      return a;
    }
    case rapidjson::kObjectType: {
      value o = value::new_object();
      for (const auto& m : v.GetObject())
        o.set(value::string({m.name.GetString(), m.name.GetStringLength()}), from_rapidjson(m.value));
      return o;
    }
  }
  return {};
}

void write_json(std::string& out, const value& v, json_style style) {
  if (v.is_undefined()) return;
  write(out, v, style, 0);
}

void format_number(std::string& out, double d) {
  if (d == 0) {
    out += '0';
    return;
  }
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
    return;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
  bool neg = sci.front() == '-';
  if (neg) sci.remove_prefix(1);
  auto epos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, epos))
    if (c != '.') digits += c;
  int exp10 = std::atoi(std::string(sci.substr(epos + 1)).c_str());
  int k = static_cast<int>(digits.size());
  int n = exp10 + 1;  // value = 0.digits * 10^n
  if (neg) out += '-';
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += n - 1 >= 0 ? '+' : '-';
    out += std::to_string(std::abs(n - 1));
  }
}

namespace {

// Bytes write_json_string must look at: control characters, '"', '\\', and
// 0xED (a possible lone surrogate kept as WTF-8).
struct escape_table {
  bool special[256] = {};
  constexpr escape_table() {
    for (int c = 0; c < 0x20; ++c) special[c] = true;
    special[static_cast<unsigned char>('"')] = true;
    special[static_cast<unsigned char>('\\')] = true;
    special[0xED] = true;
  }
};
constexpr escape_table kEscape;

}  // namespace

void write_json_string(std::string& out, std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && !kEscape.special[static_cast<unsigned char>(s[i])]) ++i;
  if (i == s.size()) {  // nothing to escape (the common case): quotes and one copy
    const std::size_t at = out.size();
    const std::size_t size = at + s.size() + 2;
    // GCC 12 passes the grown capacity, not `size`, when it reallocates: use our own
    out.resize_and_overwrite(size, [&](char* p, std::size_t) {
      p[at] = '"';
      if (!s.empty()) std::memcpy(p + at + 1, s.data(), s.size());
      p[size - 1] = '"';
      return size;
    });
    return;
  }
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t run = 0;  // start of the pending run of characters needing no escape
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (!kEscape.special[static_cast<unsigned char>(c)]) continue;
    if (c == '\xED') {
      // a lone UTF-16 surrogate kept as WTF-8 (ED A0..BF xx) goes out as \udxxx
      if (i + 2 >= s.size() || (static_cast<unsigned char>(s[i + 1]) & 0xE0) != 0xA0) continue;
      out.append(s, run, i - run);
      unsigned cp = 0xD000u | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                    (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", cp);
      out += buf;
      i += 2;
      run = i + 1;
      continue;
    }
    out.append(s, run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
        out += buf;
      }
    }
  }
  out.append(s, run, s.size() - run);
  out += '"';
}

}  // namespace simpul::mappings::jsonata
