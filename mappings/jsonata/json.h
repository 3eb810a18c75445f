#pragma once

// JSON in and out of JSONata values: RapidJSON's SAX reader builds values
// directly (no DOM in between); numbers print the way JavaScript does.

#include <expected>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "mappings/jsonata/value.h"

namespace simpul::mappings::jsonata {

/// Parses JSON text; the error string says what and where.
std::expected<value, std::string> parse_json(std::string_view text);

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
