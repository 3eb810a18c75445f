#include "mappings/jsonata/picture/picture.h"

namespace simpul::mappings::jsonata::picture {

// Placeholder so callers link while the date/time pictures are written.
std::expected<std::string, picture_error> format_datetime(std::int64_t,
                                                          std::optional<std::string_view>,
                                                          std::optional<std::string_view>) {
  return std::unexpected(picture_error{"D3132", "date/time pictures are not implemented yet"});
}

std::expected<std::optional<std::int64_t>, picture_error> parse_datetime(
    std::string_view, std::optional<std::string_view>) {
  return std::unexpected(picture_error{"D3110", "date/time pictures are not implemented yet"});
}

}  // namespace simpul::mappings::jsonata::picture
