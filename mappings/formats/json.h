#pragma once

#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "mappings/formats/format_error.h"

namespace simpul::mappings::formats {

/// Parses one JSON text (RFC 8259; numbers keep full precision). Errors
/// carry the 1-based line/column of the offending character and say what
/// RapidJSON expected there. Trailing non-space text after the value is an
/// error. The returned document owns its allocator; move it, don't copy.
format_result<rapidjson::Document> parse_json(std::string_view text);

enum class json_style { compact, pretty };

/// Serialises `value` as UTF-8 JSON. Pretty output indents by two spaces.
std::string write_json(const rapidjson::Value& value, json_style style = json_style::compact);

}  // namespace simpul::mappings::formats
