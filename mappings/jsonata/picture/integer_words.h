#pragma once

// Non-decimal integer representations of fn:format-integer, in English:
// words ("twenty-one"), Roman numerals and alphabetic sequences (a..z, aa..).
// Values are whole, non-negative doubles (JSONata numbers are doubles and
// words must reach 10^46 and beyond).

#include <optional>
#include <string>
#include <string_view>

namespace simpul::mappings::jsonata::picture::detail {

/// English words in title case ("Two Hundred and Five", "Twenty-First");
/// the caller lower- or upper-cases as the picture asks.
std::string number_to_words(double value, bool ordinal);

/// Inverse of number_to_words for any case and cardinal or ordinal words;
/// nullopt when a word is not a number word.
std::optional<double> words_to_number(std::string_view text);

/// True when `lower_word` (lower case, no separators) is a cardinal or
/// ordinal number word or "and".
bool is_number_word(std::string_view lower_word);

/// Roman numerals; thousands repeat "M". `upper` selects the case.
std::string to_roman(double value, bool upper);
std::optional<double> from_roman(std::string_view text);

/// Bijective base-26 letters: 1 -> a, 26 -> z, 27 -> aa. Zero is "".
std::string to_alphabetic(double value, bool upper);
std::optional<double> from_alphabetic(std::string_view text);

}  // namespace simpul::mappings::jsonata::picture::detail
