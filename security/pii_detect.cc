#include "security/pii_detect.h"

namespace simpul::security::pii {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_local(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool is_domain(char c) { return is_alnum(c) || c == '.' || c == '-'; }
bool is_phone_sep(char c) { return c == ' ' || c == '-' || c == '.'; }
int two(std::string_view d, std::size_t i) { return (d[i] - '0') * 10 + (d[i + 1] - '0'); }

// Province codes of Kemendagri (including the 2022 Papua provinces).
bool province(int p) {
  return (p >= 11 && p <= 19) || p == 21 || (p >= 31 && p <= 36) || (p >= 51 && p <= 53) ||
         (p >= 61 && p <= 65) || (p >= 71 && p <= 76) || p == 81 || p == 82 ||
         (p >= 91 && p <= 96);
}

// An e-mail around the '@' at `at`; {0,0} when there is none.
std::pair<std::size_t, std::size_t> email_at(std::string_view t, std::size_t at) {
  std::size_t l = at;
  while (l > 0 && is_local(t[l - 1])) --l;
  while (l < at && t[l] == '.') ++l;
  std::size_t r = at + 1;
  while (r < t.size() && is_domain(t[r])) ++r;
  while (r > at + 1 && (t[r - 1] == '.' || t[r - 1] == '-')) --r;
  if (l == at || r <= at + 1) return {0, 0};
  std::string_view domain = t.substr(at + 1, r - at - 1);
  std::size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {0, 0};
  std::string_view tld = domain.substr(dot + 1);
  if (tld.size() < 2) return {0, 0};
  for (char c : tld)
    if (!is_alpha(c)) return {0, 0};
  return {l, r};
}

// Digits of a phone candidate -> valid Indonesian number?
bool phone_digits_valid(std::string_view d, bool plus) {
  std::string_view nsn;
  if (d.starts_with("62")) {
    nsn = d.substr(2);
  } else if (!plus && d.starts_with("0")) {
    nsn = d.substr(1);
  } else {
    return false;
  }
  if (nsn.empty()) return false;
  if (nsn[0] == '8') return nsn.size() >= 9 && nsn.size() <= 12;  // mobile
  // Landlines only in the unambiguous international form: +62 21 ...
  return plus && nsn[0] >= '2' && nsn[0] <= '9' && nsn.size() >= 8 && nsn.size() <= 11;
}

// Longest phone number starting at `i` (a '+' or a digit at a word start),
// made of digit groups joined by single separators. Returns its end or 0.
std::size_t phone_at(std::string_view t, std::size_t i) {
  bool plus = t[i] == '+';
  std::size_t pos = plus ? i + 1 : i;
  std::string digits;
  std::size_t ends[8];
  std::size_t ndigits[8];
  int groups = 0;
  while (groups < 8 && pos < t.size() && is_digit(t[pos])) {
    while (pos < t.size() && is_digit(t[pos])) digits += t[pos++];
    if (digits.size() > 15) break;
    ends[groups] = pos;
    ndigits[groups] = digits.size();
    ++groups;
    if (pos + 1 < t.size() && is_phone_sep(t[pos]) && is_digit(t[pos + 1])) ++pos;
    else break;
  }
  for (int g = groups - 1; g >= 0; --g) {
    std::size_t e = ends[g];
    if (e < t.size() && is_alnum(t[e])) continue;
    if (phone_digits_valid(std::string_view(digits).substr(0, ndigits[g]), plus)) return e;
  }
  return 0;
}

void append_utf8_char(std::string& out, std::string_view t, std::size_t& i) {
  out += t[i++];
  while (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) out += t[i++];
}

}  // namespace

bool nik_plausible(std::string_view d) {
  if (d.size() != 16) return false;
  for (char c : d)
    if (!is_digit(c)) return false;
  int day = two(d, 6);
  int month = two(d, 8);
  return province(two(d, 0)) && two(d, 2) != 0 && two(d, 4) != 0 &&
         ((day >= 1 && day <= 31) || (day >= 41 && day <= 71)) && month >= 1 && month <= 12 &&
         d.substr(12) != "0000";
}

std::string mask_nik(std::string_view v) {
  std::string out(v);
  int seen = 0;
  for (char& c : out)
    if (is_digit(c) && ++seen > 6) c = '*';
  return out;
}

std::string mask_email(std::string_view v) {
  std::size_t at = v.rfind('@');
  if (at == std::string_view::npos || at == 0) return mask_words(v);
  std::string out;
  std::size_t i = 0;
  append_utf8_char(out, v, i);
  out += "***";
  out += v.substr(at);
  return out;
}

std::string mask_phone(std::string_view v) {
  std::size_t total = 0;
  for (char c : v) total += is_digit(c);
  std::size_t first = 0;
  for (char c : v) {
    if (!is_digit(c)) continue;
    first = c == '0' ? 4 : 5;  // 0 + operator, or 62 + operator
    break;
  }
  std::string out(v);
  std::size_t seen = 0;
  for (char& c : out) {
    if (!is_digit(c)) continue;
    ++seen;
    if (seen > first && seen + 3 <= total) c = '*';
  }
  return out;
}

std::string mask_words(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  bool word_start = true;
  for (std::size_t i = 0; i < t.size();) {
    char c = t[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      out += c;
      ++i;
      word_start = true;
    } else if (word_start) {
      append_utf8_char(out, t, i);
      word_start = false;
    } else {
      out += '*';
      ++i;
      while (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) ++i;
    }
  }
  return out;
}

std::vector<span> find(std::string_view t, detectors d) {
  std::vector<span> emails;
  if (d.email) {
    for (std::size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
      auto [l, r] = email_at(t, at);
      if (r == 0 || (!emails.empty() && l < emails.back().end)) continue;
      emails.push_back({l, r, kind::email});
      at = r - 1;
    }
  }
  if (!d.nik && !d.phone) return emails;

  std::vector<span> out;
  std::size_t next_email = 0;
  for (std::size_t i = 0; i < t.size();) {
    if (next_email < emails.size() && i >= emails[next_email].begin) {
      out.push_back(emails[next_email]);
      i = emails[next_email++].end;
      continue;
    }
    char c = t[i];
    bool start = is_digit(c) || (c == '+' && i + 1 < t.size() && is_digit(t[i + 1]));
    if (!start || (i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == '+'))) {
      ++i;
      continue;
    }
    std::size_t limit = next_email < emails.size() ? emails[next_email].begin : t.size();
    std::size_t j = c == '+' ? i + 1 : i;
    while (j < limit && is_digit(t[j])) ++j;
    bool bounded = j == t.size() || !is_alnum(t[j]);
    if (d.nik && c != '+' && j - i == 16 && bounded && nik_plausible(t.substr(i, 16))) {
      out.push_back({i, j, kind::nik});
      i = j;
      continue;
    }
    if (d.phone) {
      std::size_t e = phone_at(t.substr(0, limit), i);
      if (e != 0) {
        out.push_back({i, e, kind::phone});
        i = e;
        continue;
      }
    }
    i = j;
  }
  for (; next_email < emails.size(); ++next_email) out.push_back(emails[next_email]);
  return out;
}

std::string mask_text(std::string_view text, detectors d) {
  std::vector<span> spans = find(text, d);
  if (spans.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (const span& s : spans) {
    out += text.substr(pos, s.begin - pos);
    std::string_view v = text.substr(s.begin, s.end - s.begin);
    switch (s.what) {
      case kind::nik: out += mask_nik(v); break;
      case kind::phone: out += mask_phone(v); break;
      case kind::email: out += mask_email(v); break;
    }
    pos = s.end;
  }
  out += text.substr(pos);
  return out;
}

std::string mask_value(std::string_view v) {
  std::size_t digits = 0;
  bool only_digits = !v.empty();
  for (char c : v) {
    if (is_digit(c)) ++digits;
    else if (!is_phone_sep(c)) only_digits = false;
  }
  if (only_digits && digits == 16) return mask_nik(v);
  std::vector<span> spans = find(v, detectors{});
  if (spans.size() == 1 && spans[0].begin == 0 && spans[0].end == v.size()) {
    switch (spans[0].what) {
      case kind::nik: return mask_nik(v);
      case kind::phone: return mask_phone(v);
      case kind::email: return mask_email(v);
    }
  }
  return mask_words(v);
}

}  // namespace simpul::security::pii
