#pragma once

// Picture-string formatting and parsing behind JSONata's $formatNumber,
// $formatInteger, $parseInteger, $fromMillis and $toMillis (XPath/XQuery F&O
// 3.1 semantics, as the JSONata docs specify). Pure functions: no JSONata
// value types, no globals, thread-safe. The evaluator converts its values to
// these plain types and maps `picture_error` onto a JSONata error.

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace simpul::mappings::jsonata::picture {

/// An error with the JSONata error code (e.g. "D3080") and message.
struct picture_error {
  std::string code;
  std::string message;
};

/// The decimal format of $formatNumber's third argument; defaults per F&O 3.1.
/// Each field is one character (a UTF-8 sequence), except the two strings.
struct decimal_format {
  std::string decimal_separator = ".";
  std::string grouping_separator = ",";
  std::string exponent_separator = "e";
  std::string infinity = "Infinity";
  std::string nan = "NaN";
  std::string minus_sign = "-";
  std::string percent = "%";
  std::string per_mille = "\u2030";
  std::string zero_digit = "0";
  std::string digit = "#";
  std::string pattern_separator = ";";
};

/// $formatNumber(number, picture [, options])
std::expected<std::string, picture_error> format_number(double value, std::string_view picture,
                                                        const decimal_format& format = {});

/// $formatInteger(number, picture)
std::expected<std::string, picture_error> format_integer(double value, std::string_view picture);

/// $parseInteger(string, picture); nullopt when the string does not match.
std::expected<std::optional<double>, picture_error> parse_integer(std::string_view text,
                                                                  std::string_view picture);

/// $fromMillis(millis [, picture [, timezone]]). Without a picture the result
/// is ISO 8601 with millisecond precision ("2017-11-07T15:07:54.972Z").
/// `timezone` is "±HHMM" (e.g. "+0700").
std::expected<std::string, picture_error> format_datetime(
    std::int64_t millis, std::optional<std::string_view> picture = std::nullopt,
    std::optional<std::string_view> timezone = std::nullopt);

/// $toMillis(timestamp [, picture]). Without a picture the text is ISO 8601.
/// nullopt means "no value" (JSONata undefined) where the docs say so.
/// Components a picture leaves out before the first one it has (e.g. the
/// date of "[H]:[m]") come from `now_millis`, which the evaluator should set
/// to its $millis() so one evaluation sees one "now"; when absent the system
/// clock is read.
std::expected<std::optional<std::int64_t>, picture_error> parse_datetime(
    std::string_view text, std::optional<std::string_view> picture = std::nullopt,
    std::optional<std::int64_t> now_millis = std::nullopt);

}  // namespace simpul::mappings::jsonata::picture
