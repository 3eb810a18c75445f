#include "mappings/jsonata/picture/integer_picture.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "mappings/jsonata/picture/integer_words.h"
#include "mappings/jsonata/picture/unicode.h"

namespace simpul::mappings::jsonata::picture::detail {
namespace {

bool is_ascii_letter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

picture_error unsupported(std::u32string_view token) {
  std::string first;
  if (!token.empty()) append_utf8(first, token.front());
  return {"D3130", "Formatting or parsing an integer as a sequence starting with \"" + first +
                       "\" is not supported by this implementation"};
}

std::expected<integer_format, picture_error> analyse_decimal(std::u32string_view token) {
  integer_format f;
  f.style = integer_style::decimal;
  f.mandatory_digits = 0;
  bool have_zero = false;
  for (char32_t c : token) {
    if (c == '#') {
      ++f.optional_digits;
    } else if (auto zero = digit_family_zero(c)) {
      if (have_zero && *zero != f.zero) {
        return std::unexpected(picture_error{
            "D3131", "In a decimal digit pattern, all digits must be from the same decimal group"});
      }
      f.zero = *zero;
      have_zero = true;
      ++f.mandatory_digits;
    } else if (is_ascii_letter(c)) {
      return std::unexpected(unsupported(token));
    }
  }
  if (!have_zero) return std::unexpected(unsupported(token));

  // Separator positions, counted in digits from the right.
  int digits_right = 0;
  for (auto it = token.rbegin(); it != token.rend(); ++it) {
    if (*it == '#' || digit_family_zero(*it)) {
      ++digits_right;
    } else {
      f.separators.emplace_back(digits_right, *it);
    }
  }
  if (!f.separators.empty()) {
    const int g = f.separators.front().first;
    bool regular = g > 0;
    for (std::size_t i = 0; regular && i < f.separators.size(); ++i) {
      regular = f.separators[i].first == g * static_cast<int>(i + 1) &&
                f.separators[i].second == f.separators.front().second;
    }
    if (regular) {
      f.regular = true;
      f.group_size = g;
      f.group_separator = f.separators.front().second;
    }
  }
  return f;
}

std::string whole_digits(double value) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 0);
  if (ec != std::errc{}) return "0";
  return std::string(buf, end);
}

std::string format_decimal(double magnitude, const integer_format& f) {
  std::string digits = whole_digits(magnitude);
  if (static_cast<int>(digits.size()) < f.mandatory_digits) {
    digits.insert(0, f.mandatory_digits - digits.size(), '0');
  }
  std::u32string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    const int right = n - i;  // digits from here to the end, this one included
    if (i > 0) {  // a separator before this digit has `right` digits after it
      if (f.regular) {
        if (right % f.group_size == 0) out.push_back(f.group_separator);
      } else {
        for (const auto& [position, c] : f.separators) {
          if (position == right) out.push_back(c);
        }
      }
    }
    out.push_back(f.zero + (digits[i] - '0'));
  }
  std::string result = encode_utf8(out);
  if (f.ordinal) result += ordinal_suffix(magnitude);
  return result;
}

std::string apply_case(std::string text, letter_case casing) {
  switch (casing) {
    case letter_case::lower: return ascii_lower(text);
    case letter_case::upper: return ascii_upper(text);
    case letter_case::title: return text;
  }
  return text;
}

bool has_ordinal_suffix_at(std::u32string_view text, std::size_t pos) {
  if (pos + 2 > text.size()) return false;
  const char32_t a = ascii_lower(text[pos]);
  const char32_t b = ascii_lower(text[pos + 1]);
  return (a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
         (a == 't' && b == 'h');
}

std::vector<integer_match> match_decimal(const integer_format& f, std::u32string_view text,
                                         int max_digits, int min_digits) {
  auto is_digit = [&](char32_t c) { return c >= f.zero && c <= f.zero + 9; };
  auto is_separator = [&](char32_t c) {
    if (f.regular) return c == f.group_separator;
    return std::any_of(f.separators.begin(), f.separators.end(),
                       [c](const auto& s) { return s.second == c; });
  };
  std::vector<integer_match> found;
  double value = 0;
  int digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (is_digit(c)) {
      if (max_digits > 0 && digits == max_digits) break;
      value = value * 10 + static_cast<double>(c - f.zero);
      ++digits;
      const std::size_t end = i + 1;
      if (digits < min_digits) continue;
      if (!f.ordinal) {
        found.push_back({end, value});
      } else if (has_ordinal_suffix_at(text, end)) {
        found.push_back({end + 2, value});
      }
    } else if (digits > 0 && is_separator(c) && i + 1 < text.size() && is_digit(text[i + 1])) {
      continue;
    } else {
      break;
    }
  }
  std::reverse(found.begin(), found.end());
  return found;
}

// Longest runs considered: each prefix is valued afresh, so this bounds the
// work on hostile input; no calendar or sane integer needs more letters.
constexpr std::size_t kMaxLetterRun = 4096;
constexpr int kMaxWords = 64;

std::vector<integer_match> match_words(std::u32string_view text) {
  std::vector<integer_match> found;
  std::size_t i = 0;
  for (int words = 0; i < text.size() && words < kMaxWords; ++words) {
    std::size_t j = i;
    std::string word;
    while (j < text.size() && is_ascii_letter(text[j])) word.push_back(static_cast<char>(text[j++]));
    if (word.empty()) break;
    const std::string lower = ascii_lower(word);
    if (!is_number_word(lower)) break;
    if (lower != "and") {
      const auto value = words_to_number(encode_utf8(text.substr(0, j)));
      if (value) found.push_back({j, *value});
    }
    i = j;
    while (i < text.size() && (text[i] == ' ' || text[i] == '-' || text[i] == ',')) ++i;
  }
  std::reverse(found.begin(), found.end());
  return found;
}

template <class Accept, class Value>
std::vector<integer_match> match_run(std::u32string_view text, bool allow_empty, Accept accept,
                                     Value value_of) {
  std::size_t run = 0;
  while (run < text.size() && run < kMaxLetterRun && accept(text[run])) ++run;
  std::vector<integer_match> found;
  for (std::size_t len = run; len > 0 || (allow_empty && len == 0); --len) {
    if (auto v = value_of(encode_utf8(text.substr(0, len)))) found.push_back({len, *v});
    if (len == 0) break;
  }
  return found;
}

}  // namespace

std::string_view ordinal_suffix(double value) {
  const double mod100 = std::fmod(value, 100);
  const double mod10 = std::fmod(value, 10);
  if (mod100 >= 11 && mod100 <= 13) return "th";
  if (mod10 == 1) return "st";
  if (mod10 == 2) return "nd";
  if (mod10 == 3) return "rd";
  return "th";
}

std::expected<integer_format, picture_error> analyse_primary_token(std::u32string_view token,
                                                                   bool allow_names) {
  integer_format f;
  if (token == U"A" || token == U"a") {
    f.style = integer_style::alphabetic;
    f.casing = token == U"A" ? letter_case::upper : letter_case::lower;
    return f;
  }
  if (token == U"I" || token == U"i") {
    f.style = integer_style::roman;
    f.casing = token == U"I" ? letter_case::upper : letter_case::lower;
    return f;
  }
  if (token == U"W" || token == U"w" || token == U"Ww") {
    f.style = integer_style::words;
    f.casing = token == U"W" ? letter_case::upper
               : token == U"w" ? letter_case::lower
                               : letter_case::title;
    return f;
  }
  if (allow_names && (token == U"N" || token == U"n" || token == U"Nn")) {
    f.style = integer_style::names;
    f.casing = token == U"N" ? letter_case::upper
               : token == U"n" ? letter_case::lower
                               : letter_case::title;
    return f;
  }
  return analyse_decimal(token);
}

std::expected<integer_format, picture_error> analyse_integer_picture(std::string_view picture) {
  const std::u32string pic = decode_utf8(picture);
  std::u32string_view primary = pic;
  std::u32string_view modifier;
  if (const auto semi = pic.rfind(U';'); semi != std::u32string::npos) {
    primary = std::u32string_view(pic).substr(0, semi);
    modifier = std::u32string_view(pic).substr(semi + 1);
  }
  auto format = analyse_primary_token(primary, false);
  if (!format) return format;
  if (!modifier.empty() && modifier.front() == 'o') format->ordinal = true;
  return format;
}

std::string format_with(double value, const integer_format& f) {
  const bool negative = value < 0;
  const double magnitude = std::fabs(value);
  std::string body;
  switch (f.style) {
    case integer_style::decimal:
    case integer_style::names:
      body = format_decimal(magnitude, f);
      break;
    case integer_style::alphabetic:
      body = to_alphabetic(magnitude, f.casing == letter_case::upper);
      break;
    case integer_style::roman:
      // Thousands repeat "M"; far beyond any calendar use, fall back to digits.
      body = magnitude <= 1e6 ? to_roman(magnitude, f.casing == letter_case::upper)
                              : whole_digits(magnitude);
      break;
    case integer_style::words:
      body = apply_case(number_to_words(magnitude, f.ordinal), f.casing);
      break;
  }
  return negative ? "-" + body : body;
}

std::vector<integer_match> match_integer(const integer_format& f, std::u32string_view text,
                                         int max_digits, int min_digits) {
  switch (f.style) {
    case integer_style::decimal:
    case integer_style::names:
      return match_decimal(f, text, max_digits, min_digits);
    case integer_style::words:
      return match_words(text);
    case integer_style::roman:
      return match_run(
          text, true,
          [](char32_t c) {
            const char32_t l = ascii_lower(c);
            return l == 'i' || l == 'v' || l == 'x' || l == 'l' || l == 'c' || l == 'd' || l == 'm';
          },
          [](const std::string& s) { return from_roman(s); });
    case integer_style::alphabetic:
      return match_run(
          text, true, [](char32_t c) { return is_ascii_letter(c); },
          [](const std::string& s) { return from_alphabetic(s); });
  }
  return {};
}

}  // namespace simpul::mappings::jsonata::picture::detail
