#pragma once

#include <string>
#include <vector>

#include "hub/config/spec.h"

namespace simpul::connectors {
class registry;
}

namespace simpul::config {

/// A Markdown table of fields (name, type, default, description), nested
/// objects flattened as `parent.child`. Generated from the same specs the
/// validator uses, so the reference cannot drift from what is accepted.
std::string fields_markdown(const std::vector<field_spec>& fields);

/// The reference of the hub's own keys: `hub:`, a route's keys, `from:` and
/// `to:` objects, and the step kinds. docs/config.md embeds it verbatim.
std::string hub_reference_markdown();

/// One section per connector type in `reg`: summary, roles, fields, route
/// options, output options (`simpul connectors --markdown`).
std::string connectors_markdown(const connectors::registry& reg);

}  // namespace simpul::config
