#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "mappings/formats/format_error.h"

namespace simpul::mappings::formats {

/// NDJSON / JSON Lines: one JSON value per line; LF or CRLF; blank lines and
/// a trailing newline are ignored; a UTF-8 BOM is stripped.
struct ndjson_document {
  rapidjson::Document values;          // array of the good values, in order
  std::vector<format_error> errors;    // one per bad line (collect mode)
};

/// Strict mode (collect = false) stops at the first bad line; the error's line
/// is the line in the whole input. Collect mode keeps good lines and lists
/// the bad ones, like read_csv.
format_result<ndjson_document> read_ndjson(std::string_view text, bool collect = false);

/// Each element of `values` (an array) as compact JSON followed by "\n". A
/// non-array is written as a single line.
std::string write_ndjson(const rapidjson::Value& values);

}  // namespace simpul::mappings::formats
