#pragma once

#include <string>
#include <vector>

#include "hub/config/spec.h"

namespace simpul::config {

/// The hub's own config sections described with the same `field_spec`s the
/// connectors use, so one validator and one doc generator serve both.
/// `any` fields (`from`, `to`, `steps`, `connectors`, `routes`) have shapes a
/// spec cannot express; the loader checks those itself.
const std::vector<field_spec>& top_level_fields();
const std::vector<field_spec>& hub_fields();
const std::vector<field_spec>& route_fields();
/// Keys every `from:` object takes besides the input's `route_fields`.
const std::vector<field_spec>& route_from_fields();
/// Keys every `to:` entry takes besides the output's `output_fields`.
const std::vector<field_spec>& route_to_fields();
/// The step kinds of `steps:` (one-key maps), with what their value means.
const std::vector<field_spec>& step_kinds();

/// Connector, mapping and route names: [a-z0-9_-]+ (they become metric
/// labels and URL parts).
bool valid_name(const std::string& name);

}  // namespace simpul::config
