// Placeholder for the picture-string functions until the jsonata-pictures
// branch is merged: every call fails with an explicit error. CMake compiles
// this file only when mappings/jsonata/picture/ has no sources.

#include "mappings/jsonata/picture/picture.h"

namespace simpul::mappings::jsonata::picture {
namespace {

picture_error pending() { return {"U0000", "picture-string functions are not built into this binary"}; }

}  // namespace

std::expected<std::string, picture_error> format_number(double, std::string_view, const decimal_format&) {
  return std::unexpected(pending());
}
std::expected<std::string, picture_error> format_integer(double, std::string_view) {
  return std::unexpected(pending());
}
std::expected<std::optional<double>, picture_error> parse_integer(std::string_view, std::string_view) {
  return std::unexpected(pending());
}
std::expected<std::string, picture_error> format_datetime(std::int64_t, std::optional<std::string_view>,
                                                          std::optional<std::string_view>) {
  return std::unexpected(pending());
}
std::expected<std::optional<std::int64_t>, picture_error> parse_datetime(std::string_view,
                                                                         std::optional<std::string_view>) {
  return std::unexpected(pending());
}

}  // namespace simpul::mappings::jsonata::picture
