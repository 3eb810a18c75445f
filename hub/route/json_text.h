#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "hub/route/step.h"

namespace simpul::hub {

/// Arrays and objects nested deeper than this are refused (`json.depth`,
/// 400): far beyond any real document, and well inside the stack of every
/// recursive walk of a parsed value. (The JSONata engine's own limit is 1000.)
inline constexpr std::size_t max_json_body_depth = 512;

/// Parses a message body as JSON. On failure returns a 400 `json.malformed`
/// failure that says what is wrong and where (line, column, byte offset;
/// also for bytes that are not UTF-8), or `json.depth` for nesting deeper
/// than max_json_body_depth.
std::optional<step_failure> parse_json_body(std::string_view body, rapidjson::Document& doc);

/// Checks that a message body is well-formed JSON without building a DOM
/// (the ingest path validates every JSON body; a Document costs a 64 KiB
/// pool allocation per message). Same verdict and failure as `parse_json_body`.
std::optional<step_failure> check_json_body(const std::string& body);

/// The part of check_json_body that follows a successful parse: the
/// `json.malformed` failure at the first byte that is not UTF-8 (the
/// grammar lets any byte through inside a string).
std::optional<step_failure> check_json_utf8(std::string_view body);

/// The failure check_json_body gives for a parse that stopped at `offset`
/// with `code` (kParseErrorTermination: nested deeper than
/// max_json_body_depth): `json.malformed` or `json.depth`, 400, with line,
/// column and offset.
step_failure json_body_failure(std::string_view body, std::size_t offset, rapidjson::ParseErrorCode code);

/// True for content types that carry JSON (application/json, */*+json).
bool is_json_content_type(std::string_view content_type);

}  // namespace simpul::hub
