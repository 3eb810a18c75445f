#pragma once

// $toMillis without a picture: the ISO 8601 forms JSONata accepts
// ("2018", "2018-02", "2018-02-01", "2018-02-01T09:42:13[.123][Z|±HH[:]MM]").

#include <cstdint>
#include <expected>
#include <string_view>

#include "mappings/jsonata/picture/picture.h"

namespace simpul::mappings::jsonata::picture::detail {

std::expected<std::int64_t, picture_error> parse_iso8601(std::string_view text);

}  // namespace simpul::mappings::jsonata::picture::detail
