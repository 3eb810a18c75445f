#pragma once

#include <yaml-cpp/yaml.h>

#include "mappings/jsonata/value.h"

namespace simpul::mappings {

/// A YAML node as a JSON value, for inline example inputs and expectations.
/// Quoted scalars are strings; plain scalars are null (`null`, `~`, empty),
/// booleans (`true`/`false`), numbers when they are JSON numbers (so `0812...`
/// phone numbers and NIKs stay strings), else strings. Maps keep key order.
jsonata::value yaml_to_value(const YAML::Node& node);

}  // namespace simpul::mappings
