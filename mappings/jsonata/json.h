#pragma once

// JSON in and out of JSONata values: RapidJSON's SAX reader builds values
// directly (no DOM in between); numbers print the way JavaScript does.

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/error/error.h>

#include "mappings/jsonata/value.h"

namespace simpul::mappings::jsonata {

/// Parses JSON text; the error string says what and where.
std::expected<value, std::string> parse_json(std::string_view text);

/// Where and why parse_json_document stopped.
struct json_syntax_error {
  std::size_t offset = 0;  ///< bytes from the start of the text
  /// kParseErrorTermination: arrays and objects nested deeper than allowed.
  rapidjson::ParseErrorCode code = rapidjson::kParseErrorNone;
};

/// Parses a whole JSON document strictly, as a message body is checked:
/// RapidJSON's grammar with default flags (nothing but whitespace after the
/// value; an escaped lone surrogate is an error, where parse_json reads it
/// as WTF-8), a leading byte-order mark skipped, and arrays and objects
/// nested at most `max_depth` deep.
std::expected<value, json_syntax_error> parse_json_document(std::string_view text, std::size_t max_depth);

/// Converts a RapidJSON DOM value (from the XML/CSV readers).
value from_rapidjson(const rapidjson::Value& v);

struct json_style {
  bool pretty = false;     // two-space indentation, as JSON.stringify(v, null, 2)
  bool precision15 = false;  // numbers rounded to 15 significant digits ($string)
};

/// Appends `v` as JSON. Undefined prints nothing at top level and is skipped
/// inside objects (null inside arrays); functions print as "" (as $string does).
void write_json(std::string& out, const value& v, json_style style = {});

/// JavaScript's Number#toString for finite doubles.
void format_number(std::string& out, double d);

/// Appends `s` as a JSON string literal with escapes.
void write_json_string(std::string& out, std::string_view s);

}  // namespace simpul::mappings::jsonata
