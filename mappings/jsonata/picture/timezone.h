#pragma once

// The "±HHMM" time zone argument of $fromMillis / $now.

#include <expected>
#include <string_view>

#include "mappings/jsonata/picture/picture.h"

namespace simpul::mappings::jsonata::picture::detail {

/// Minutes east of UTC. Accepts "+0700", "-0530", "0000", "+07" and "+07:00".
std::expected<int, picture_error> parse_offset(std::string_view timezone);

}  // namespace simpul::mappings::jsonata::picture::detail
