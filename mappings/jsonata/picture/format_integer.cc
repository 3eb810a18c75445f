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
  const std::u32string input = detail::decode_utf8(text);
  for (const auto& match : detail::match_integer(*format, input)) {
    if (match.length == input.size()) return std::optional<double>(match.value);
  }
  return std::optional<double>();
}

}  // namespace simpul::mappings::jsonata::picture
