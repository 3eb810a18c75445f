#pragma once

// Test helper: evaluates an expression over JSON text and renders the
// outcome as JSON text, "undefined", or "error:CODE".

#include <string>
#include <string_view>

#include "mappings/jsonata/json.h"
#include "mappings/jsonata/jsonata.h"

namespace simpul::mappings::jsonata::testing {

inline std::string run(std::string_view expr, std::string_view input_json = {},
                       const bindings& vars = {}, const evaluate_options& opts = {}) {
  value input;
  if (!input_json.empty()) {
    auto parsed = parse_json(input_json);
    if (!parsed) return "bad input: " + parsed.error();
    input = *parsed;
  }
  auto compiled = compile(expr);
  if (!compiled) return "error:" + compiled.error().code;
  auto r = compiled->evaluate(input, vars, opts);
  if (!r) return "error:" + r.error().code;
  if (r->is_undefined()) return "undefined";
  std::string out;
  write_json(out, *r);
  return out;
}

}  // namespace simpul::mappings::jsonata::testing
