#pragma once

#include <optional>
#include <string_view>

#include <rapidjson/document.h>

#include "hub/route/step.h"

namespace simpul::hub {

/// Parses a message body as JSON. On failure returns a 400 `json.malformed`
/// failure that says what is wrong and where (line, column, byte offset).
std::optional<step_failure> parse_json_body(std::string_view body, rapidjson::Document& doc);

/// True for content types that carry JSON (application/json, */*+json).
bool is_json_content_type(std::string_view content_type);

}  // namespace simpul::hub
