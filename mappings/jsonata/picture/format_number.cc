// $formatNumber: fn:format-number (F&O 3.1 §4.7) with JSONata's decimal
// format options. The picture is analysed into sub-pictures, then the value
// is scaled, rounded half-to-even on its shortest decimal form, and laid out.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

#include "mappings/jsonata/picture/decimal_rounding.h"
#include "mappings/jsonata/picture/picture.h"
#include "mappings/jsonata/picture/unicode.h"

namespace simpul::mappings::jsonata::picture {
namespace {

using detail::decode_utf8;
using detail::encode_utf8;

struct symbols {
  char32_t decimal, grouping, exponent, zero, digit, pattern;
  std::u32string percent, per_mille, exponent_text, minus;
};

char32_t first_code_point(const std::string& s) {
  const std::u32string d = decode_utf8(s);
  return d.empty() ? 0 : d.front();
}

symbols symbols_of(const decimal_format& f) {
  return {first_code_point(f.decimal_separator), first_code_point(f.grouping_separator),
          first_code_point(f.exponent_separator), first_code_point(f.zero_digit),
          first_code_point(f.digit),              first_code_point(f.pattern_separator),
          decode_utf8(f.percent),                 decode_utf8(f.per_mille),
          decode_utf8(f.exponent_separator),      decode_utf8(f.minus_sign)};
}

struct sub_picture {
  std::u32string prefix, suffix;
  std::vector<int> integer_groups;   // digits to the right of each separator
  std::vector<int> fraction_groups;  // digits to the left of each separator
  int group_size = 0;                // > 0 when integer grouping is regular
  int min_integer = 0, scaling = 0, min_fraction = 0, max_fraction = 0, min_exponent = 0;
  bool exponent = false, percent = false, per_mille = false;
};

std::unexpected<picture_error> fail(const char* code, const char* message) {
  return std::unexpected(picture_error{code, message});
}

std::size_t count_of(std::u32string_view hay, std::u32string_view needle) {
  if (needle.empty()) return 0;
  std::size_t n = 0;
  for (auto pos = hay.find(needle); pos != std::u32string_view::npos;
       pos = hay.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

constexpr std::size_t npos = std::u32string_view::npos;

template <class Pred>
std::size_t find_if_index(std::u32string_view text, Pred pred) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (pred(text[i])) return i;
  }
  return npos;
}

class analyser {
 public:
  explicit analyser(const symbols& s) : s_(s) {}

  bool family(char32_t c) const { return c >= s_.zero && c <= s_.zero + 9; }
  bool digit_sign(char32_t c) const { return c == s_.digit || family(c); }
  bool active(char32_t c) const { return c == s_.decimal || c == s_.grouping || digit_sign(c); }

  std::expected<sub_picture, picture_error> run(std::u32string_view sp) const {
    sub_picture p;
    std::size_t first = sp.size(), last = 0;
    for (std::size_t i = 0; i < sp.size(); ++i) {
      if (active(sp[i])) {
        if (first == sp.size()) first = i;
        last = i;
      }
    }
    // The exponent separator is one when it follows an active character or
    // sits between two; elsewhere it is passive (as in "0.00 each").
    std::size_t exp_at = std::u32string_view::npos;
    for (std::size_t i = first + 1; first < sp.size() && i < sp.size(); ++i) {
      if (sp[i] == s_.exponent && (active(sp[i - 1]) || i < last)) {
        exp_at = i;
        break;
      }
    }
    p.exponent = exp_at != std::u32string_view::npos;
    const std::size_t end = p.exponent ? std::max(last, exp_at) : last;
    const std::u32string_view mantissa =
        first == sp.size() ? std::u32string_view{}
                           : sp.substr(first, (p.exponent ? exp_at : last + 1) - first);
    const std::u32string_view exponent_part =
        p.exponent ? sp.substr(exp_at + 1, end - exp_at) : std::u32string_view{};

    if (count_of(mantissa, std::u32string(1, s_.decimal)) > 1) {
      return fail("D3081", "The sub-picture must not contain more than one instance of the "
                           "'decimal-separator' character");
    }
    const std::size_t percents = count_of(sp, s_.percent);
    const std::size_t per_milles = count_of(sp, s_.per_mille);
    if (percents > 1) {
      return fail("D3082", "The sub-picture must not contain more than one instance of the "
                           "'percent' character");
    }
    if (per_milles > 1) {
      return fail("D3083", "The sub-picture must not contain more than one instance of the "
                           "'per-mille' character");
    }
    if (percents > 0 && per_milles > 0) {
      return fail("D3084", "The sub-picture must not contain both a 'percent' and a 'per-mille' "
                           "character");
    }
    p.percent = percents > 0;
    p.per_mille = per_milles > 0;
    if (first == sp.size() && !sp.empty()) return passive_inside();
    bool any_digit = false;
    for (char32_t c : mantissa) any_digit = any_digit || digit_sign(c);
    if (!any_digit) {
      return fail("D3085", "The mantissa part of a sub-picture must contain at least one "
                           "character that is either an 'optional digit character' or a member "
                           "of the 'decimal digit family'");
    }
    if (p.exponent && (p.percent || p.per_mille)) {
      return fail("D3092", "A sub-picture that contains a 'percent' or 'per-mille' character must "
                           "not contain a character treated as an 'exponent-separator'");
    }
    if (p.exponent && (exponent_part.empty() ||
                       !std::all_of(exponent_part.begin(), exponent_part.end(),
                                    [this](char32_t c) { return family(c); }))) {
      return fail("D3093", "The exponent part of the sub-picture must comprise only of one or "
                           "more characters that are members of the 'decimal digit family'");
    }
    for (char32_t c : mantissa) {
      if (!active(c)) return passive_inside();
    }
    p.prefix = sp.substr(0, first);
    p.suffix = sp.substr(end + 1);
    const std::size_t dot = mantissa.find(s_.decimal);
    const std::u32string_view integer_part = mantissa.substr(0, dot);
    const std::u32string_view fraction_part =
        dot == std::u32string_view::npos ? std::u32string_view{} : mantissa.substr(dot + 1);
    if (auto e = check_grouping(integer_part, fraction_part, dot != std::u32string_view::npos); !e) {
      return std::unexpected(e.error());
    }
    if (auto e = check_digit_order(integer_part, fraction_part); !e) {
      return std::unexpected(e.error());
    }
    measure(p, integer_part, fraction_part, exponent_part);
    return p;
  }

 private:
  static std::unexpected<picture_error> passive_inside() {
    return fail("D3086", "The sub-picture must not contain a passive character that is preceded "
                         "by an active character and that is followed by another active "
                         "character");
  }

  std::expected<void, picture_error> check_grouping(std::u32string_view integer_part,
                                                    std::u32string_view fraction_part,
                                                    bool has_decimal) const {
    const bool int_ends = !integer_part.empty() && integer_part.back() == s_.grouping;
    const bool frac_starts = !fraction_part.empty() && fraction_part.front() == s_.grouping;
    if (has_decimal && (int_ends || frac_starts)) {
      return fail("D3087", "The sub-picture must not contain a 'grouping-separator' character "
                           "that appears adjacent to a 'decimal-separator' character");
    }
    if (int_ends) {
      return fail("D3088", "The sub-picture must not contain a 'grouping-separator' at the end of "
                           "the integer part");
    }
    auto adjacent = [&](std::u32string_view part) {
      for (std::size_t i = 1; i < part.size(); ++i) {
        if (part[i] == s_.grouping && part[i - 1] == s_.grouping) return true;
      }
      return false;
    };
    if (adjacent(integer_part) || adjacent(fraction_part)) {
      return fail("D3089", "The sub-picture must not contain two adjacent instances of the "
                           "'grouping-separator' character");
    }
    return {};
  }

  std::expected<void, picture_error> check_digit_order(std::u32string_view integer_part,
                                                       std::u32string_view fraction_part) const {
    // A mandatory digit before the first optional one in the integer part,
    // or after the last optional one in the fraction, is out of order.
    const auto first_mandatory = find_if_index(integer_part, [this](char32_t c) { return family(c); });
    const auto first_optional = integer_part.find(s_.digit);
    if (first_mandatory != npos && first_optional != npos && first_optional > first_mandatory) {
      return fail("D3090", "The integer part of the sub-picture must not contain a member of the "
                           "'decimal digit family' that is followed by an instance of the "
                           "'optional digit character'");
    }
    std::size_t last_mandatory = npos;
    for (std::size_t i = 0; i < fraction_part.size(); ++i) {
      if (family(fraction_part[i])) last_mandatory = i;
    }
    const auto last_optional = fraction_part.rfind(s_.digit);
    if (last_mandatory != npos && last_optional != npos && last_mandatory > last_optional) {
      return fail("D3091", "The fractional part of the sub-picture must not contain an instance "
                           "of the 'optional digit character' that is followed by a member of "
                           "the 'decimal digit family'");
    }
    return {};
  }

  void measure(sub_picture& p, std::u32string_view integer_part, std::u32string_view fraction_part,
               std::u32string_view exponent_part) const {
    int digits_right = 0;
    bool optional_in_integer = false;
    for (auto it = integer_part.rbegin(); it != integer_part.rend(); ++it) {
      if (*it == s_.grouping) {
        p.integer_groups.push_back(digits_right);
      } else {
        ++digits_right;
        if (family(*it)) ++p.min_integer;
        if (*it == s_.digit) optional_in_integer = true;
      }
    }
    int digits_left = 0;
    for (char32_t c : fraction_part) {
      if (c == s_.grouping) {
        p.fraction_groups.push_back(digits_left);
      } else {
        ++digits_left;
        ++p.max_fraction;
        if (family(c)) ++p.min_fraction;
      }
    }
    p.min_exponent = static_cast<int>(exponent_part.size());
    p.scaling = p.min_integer;
    p.group_size = regular_group_size(p.integer_groups);

    if (p.min_integer == 0 && p.max_fraction == 0) {
      if (p.exponent) {
        p.min_fraction = 1;
        p.max_fraction = 1;
      } else {
        p.min_integer = 1;
      }
    }
    if (p.exponent && p.min_integer == 0 && optional_in_integer) p.min_integer = 1;
    if (p.min_integer == 0 && p.min_fraction == 0) p.min_fraction = 1;
  }

  // G when the separators sit exactly at G, 2G, 3G...; 0 otherwise.
  static int regular_group_size(const std::vector<int>& positions) {
    if (positions.empty() || positions.front() <= 0) return 0;
    const int g = positions.front();
    for (std::size_t i = 0; i < positions.size(); ++i) {
      if (positions[i] != g * static_cast<int>(i + 1)) return 0;
    }
    return g;
  }

  const symbols& s_;
};

std::u32string to_family(std::string_view ascii_digits, char32_t zero) {
  std::u32string out;
  for (char c : ascii_digits) out.push_back(zero + static_cast<char32_t>(c - '0'));
  return out;
}

std::string layout(double magnitude, const sub_picture& p, const symbols& s) {
  double mantissa = magnitude;
  int exponent = 0;
  if (p.exponent && mantissa != 0) {
    // Scale the way the reference implementation does (stepwise, and only
    // down while strictly above 10^N), so results agree digit for digit.
    const double max_mantissa = std::pow(10.0, p.scaling);
    const double min_mantissa = std::pow(10.0, p.scaling - 1);
    while (mantissa < min_mantissa) {
      mantissa *= 10;
      --exponent;
    }
    while (mantissa > max_mantissa) {
      mantissa /= 10;
      ++exponent;
    }
  }
  std::string integer, fraction;
  detail::round_decimal(mantissa, p.max_fraction, integer, fraction);
  std::size_t lead = 0;
  while (lead < integer.size() && integer[lead] == '0') ++lead;
  integer.erase(0, lead);
  if (static_cast<int>(integer.size()) < p.min_integer) {
    integer.insert(0, p.min_integer - integer.size(), '0');
  }
  while (static_cast<int>(fraction.size()) > p.min_fraction && fraction.back() == '0') {
    fraction.pop_back();
  }

  std::u32string out = p.prefix;
  const int n = static_cast<int>(integer.size());
  for (int i = 0; i < n; ++i) {
    const int right = n - i;
    if (i > 0) {
      bool separate = false;
      if (p.group_size > 0) {
        separate = right % p.group_size == 0;
      } else {
        for (int pos : p.integer_groups) separate = separate || pos == right;
      }
      if (separate) out.push_back(s.grouping);
    }
    out.push_back(s.zero + static_cast<char32_t>(integer[i] - '0'));
  }
  if (!fraction.empty()) {
    out.push_back(s.decimal);
    for (int i = 0; i < static_cast<int>(fraction.size()); ++i) {
      if (i > 0) {
        for (int pos : p.fraction_groups) {
          if (pos == i) out.push_back(s.grouping);
        }
      }
      out.push_back(s.zero + static_cast<char32_t>(fraction[i] - '0'));
    }
  }
  if (p.exponent) {
    out += s.exponent_text;
    if (exponent < 0) out += s.minus;
    std::string digits = std::to_string(exponent < 0 ? -exponent : exponent);
    if (static_cast<int>(digits.size()) < p.min_exponent) {
      digits.insert(0, p.min_exponent - digits.size(), '0');
    }
    out += to_family(digits, s.zero);
  }
  out += p.suffix;
  return encode_utf8(out);
}

}  // namespace

std::expected<std::string, picture_error> format_number(double value, std::string_view picture,
                                                        const decimal_format& format) {
  const symbols s = symbols_of(format);
  const std::u32string pic = decode_utf8(picture);
  std::vector<std::u32string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= pic.size(); ++i) {
    if (i == pic.size() || pic[i] == s.pattern) {
      parts.push_back(std::u32string_view(pic).substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() > 2) {
    return fail("D3080", "The picture string must only contain a maximum of two sub-pictures");
  }
  const analyser analyse(s);
  std::vector<sub_picture> subs;
  for (auto part : parts) {
    auto sub = analyse.run(part);
    if (!sub) return std::unexpected(sub.error());
    subs.push_back(std::move(*sub));
  }
  if (std::isnan(value)) return format.nan;

  sub_picture chosen = subs.front();
  if (value < 0) {
    if (subs.size() > 1) {
      chosen = subs[1];
    } else {
      chosen.prefix = s.minus + chosen.prefix;
    }
  }
  double adjusted = value;
  if (chosen.percent) adjusted *= 100;
  if (chosen.per_mille) adjusted *= 1000;
  if (std::isinf(adjusted)) {
    return encode_utf8(chosen.prefix) + format.infinity + encode_utf8(chosen.suffix);
  }
  return layout(std::fabs(adjusted), chosen, s);
}

}  // namespace simpul::mappings::jsonata::picture
