#include "mappings/domain/rupiah.h"

#include <array>
#include <utility>

namespace simpul::mappings::domain {
namespace {

std::unexpected<domain_error> bad(std::string message) {
  return make_domain_error("RUPIAH_FORMAT", std::move(message));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\xA0')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\xA0')) s.remove_suffix(1);
  return s;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool strip_currency_prefix(std::string_view& s) {
  for (const auto p : {std::string_view("rp."), std::string_view("rp"), std::string_view("idr")}) {
    if (starts_with_ci(s, p)) {
      s = trim(s.substr(p.size()));
      return true;
    }
  }
  return false;
}

struct scale_word {
  std::string_view word;
  int zeros;
};
constexpr std::array<scale_word, 11> kScales{{{"triliun", 12}, {"t", 12}, {"miliar", 9}, {"milyar", 9},
                                              {"m", 9}, {"juta", 6}, {"jt", 6}, {"ribu", 3}, {"rb", 3},
                                              {"k", 3}, {"idr", 0}}};

// Removes a trailing scale word ("M", "juta", ...); returns its power of ten
// or -1 when the text ends in letters that are not one.
int strip_scale(std::string_view& s) {
  std::size_t end = s.size();
  while (end > 0 && ((s[end - 1] >= 'a' && s[end - 1] <= 'z') || (s[end - 1] >= 'A' && s[end - 1] <= 'Z'))) --end;
  if (end == s.size()) return 0;
  std::string word;
  for (std::size_t i = end; i < s.size(); ++i) {
    const char c = s[i];
    word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  for (const auto& sc : kScales) {
    if (sc.word == word) {
      s = trim(s.substr(0, end));
      return sc.zeros;
    }
  }
  return -1;
}

}  // namespace

domain_result<std::string> parse_rupiah(std::string_view text, const rupiah_options& options) {
  std::string_view s = trim(text);
  if (s.empty()) return bad("empty amount");
  bool negative = false;
  if (s.front() == '(' && s.back() == ')') {
    negative = true;
    s = trim(s.substr(1, s.size() - 2));
  }
  if (!s.empty() && s.front() == '-' && s.size() > 1) {
    negative = !negative;
    s = trim(s.substr(1));
  }
  strip_currency_prefix(s);
  if (!s.empty() && s.front() == '-' && s.size() > 1) {  // "Rp -2.500.000"
    negative = !negative;
    s = trim(s.substr(1));
  }
  if (s == "-") return std::string("0.00");
  if (s.ends_with(",-") || s.ends_with(",--")) s = s.substr(0, s.find_last_of(','));
  const int zeros = strip_scale(s);
  if (zeros < 0) return bad("unknown unit after the amount");
  if (zeros > 0 && !options.allow_abbreviations) return bad("abbreviated amounts are not allowed here");

  // integer part: digits, optionally grouped by '.' in threes
  std::string int_digits;
  std::size_t i = 0;
  std::size_t group_len = 0;
  bool grouped = false;
  for (; i < s.size() && s[i] != ','; ++i) {
    const char c = s[i];
    if (is_digit(c)) {
      int_digits.push_back(c);
      ++group_len;
    } else if (c == '.') {
      if (group_len == 0 || (grouped && group_len != 3) || (!grouped && group_len > 3)) {
        return bad("'.' must separate groups of three digits");
      }
      grouped = true;
      group_len = 0;
    } else {
      return bad(std::string("unexpected character '") + c + "'");
    }
  }
  if (int_digits.empty()) return bad("expected digits");
  if (grouped && group_len != 3) return bad("'.' must separate groups of three digits");
  std::string frac;
  if (i < s.size()) {  // at ','
    for (++i; i < s.size(); ++i) {
      if (!is_digit(s[i])) return bad("expected digits after ','");
      frac.push_back(s[i]);
    }
    if (frac.empty()) return bad("expected digits after ','");
  }
  if (frac.size() > 18 || int_digits.size() > 30) return bad("amount too long");
  // apply the scale by moving the decimal point
  for (int z = 0; z < zeros; ++z) {
    if (!frac.empty()) {
      int_digits.push_back(frac.front());
      frac.erase(0, 1);
    } else {
      int_digits.push_back('0');
    }
  }
  while (int_digits.size() > 1 && int_digits.front() == '0') int_digits.erase(0, 1);
  while (frac.size() > 2 && frac.back() == '0') frac.pop_back();
  while (frac.size() < 2) frac.push_back('0');
  const bool zero = int_digits == "0" && frac.find_first_not_of('0') == std::string::npos;
  return (negative && !zero ? "-" : "") + int_digits + "." + frac;
}

domain_result<std::string> format_rupiah(std::string_view decimal) {
  std::string_view s = trim(decimal);
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  std::string_view int_part = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (int_part.empty()) return bad("expected digits before '.'");
  for (const char c : int_part) {
    if (!is_digit(c)) return bad("expected a decimal number");
  }
  for (const char c : frac) {
    if (!is_digit(c)) return bad("expected a decimal number");
  }
  std::string cents(frac);
  while (cents.size() > 2 && cents.back() == '0') cents.pop_back();
  if (cents.size() > 2) return bad("more than two decimals cannot be shown as sen");
  while (cents.size() < 2) cents.push_back('0');
  std::string grouped;
  for (std::size_t k = 0; k < int_part.size(); ++k) {
    if (k > 0 && (int_part.size() - k) % 3 == 0) grouped.push_back('.');
    grouped.push_back(int_part[k]);
  }
  return std::string(negative ? "-Rp " : "Rp ") + grouped + "," + cents;
}

}  // namespace simpul::mappings::domain
