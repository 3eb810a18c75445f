// $formatInteger and $parseInteger: thin entry points over integer_picture.

#include <cmath>

#include "mappings/jsonata/picture/integer_picture.h"
#include "mappings/jsonata/picture/picture.h"
#include "mappings/jsonata/picture/unicode.h"

namespace simpul::mappings::jsonata::picture {

std::expected<std::string, picture_error> format_integer(double value, std::string_view picture) {
  auto format = detail::analyse_integer_picture(picture);
  if (!format) return std::unexpected(format.error());
  if (!std::isfinite(value)) {
    return std::unexpected(picture_error{"D1001", "Number out of range"});
  }
  // JSONata floors a fractional argument (so -12.6 formats as -13).
  return detail::format_with(std::floor(value), *format);
}

std::expected<std::optional<double>, picture_error> parse_integer(std::string_view text,
                                                                  std::string_view picture) {
  auto format = detail::analyse_integer_picture(picture);
  if (!format) return std::unexpected(format.error());
  std::u32string input = detail::decode_utf8(text);
  // Digits may carry the "-" that format_integer writes for negatives.
  const bool negative = format->style == detail::integer_style::decimal && !input.empty() &&
                        input.front() == U'-';
  if (negative) input.erase(0, 1);
  for (const auto& match : detail::match_integer(*format, input)) {
    if (match.length == input.size()) return std::optional<double>(negative ? -match.value : match.value);
  }
  return std::optional<double>();
}

}  // namespace simpul::mappings::jsonata::picture
