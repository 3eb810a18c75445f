#pragma once

// The integer picture of fn:format-integer (F&O 3.1 §4.6), analysed once and
// then used to format ($formatInteger, date/time components) or to recognise
// an integer at the start of a text ($parseInteger, $toMillis).

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mappings/jsonata/picture/picture.h"

namespace simpul::mappings::jsonata::picture::detail {

enum class integer_style { decimal, alphabetic, roman, words, names };
enum class letter_case { lower, upper, title };

struct integer_format {
  integer_style style = integer_style::decimal;
  letter_case casing = letter_case::lower;
  bool ordinal = false;
  // Decimal digit pattern only.
  char32_t zero = U'0';
  int mandatory_digits = 1;
  int optional_digits = 0;
  /// Regular grouping repeats `group_separator` every `group_size` digits;
  /// otherwise `separators` holds (digits to its right, separator) pairs.
  bool regular = false;
  int group_size = 0;
  char32_t group_separator = 0;
  std::vector<std::pair<int, char32_t>> separators;
};

/// A whole $formatInteger picture: primary token, optionally ";" and a
/// modifier (c/o, a/t).
std::expected<integer_format, picture_error> analyse_integer_picture(std::string_view picture);

/// A primary format token alone. `allow_names` admits N, n and Nn (the
/// date/time name presentations).
std::expected<integer_format, picture_error> analyse_primary_token(std::u32string_view token,
                                                                   bool allow_names);

/// Formats a whole number (negative gets a leading "-").
std::string format_with(double value, const integer_format& format);

struct integer_match {
  std::size_t length = 0;  // code points consumed
  double value = 0;
};

/// Every way `format` can read an integer at the start of `text`, longest
/// first (callers backtrack over them). For a decimal pattern, `max_digits`
/// and `min_digits` (when > 0) bound the number of digits read.
std::vector<integer_match> match_integer(const integer_format& format, std::u32string_view text,
                                         int max_digits = 0, int min_digits = 0);

/// The English ordinal suffix ("st", "nd", "rd", "th") of a whole number.
std::string_view ordinal_suffix(double value);

}  // namespace simpul::mappings::jsonata::picture::detail
