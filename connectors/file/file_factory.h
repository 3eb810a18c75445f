#pragma once

#include "connectors/registry.h"

namespace simpul::connectors {

/// Adds the `file` connector type (input and output).
void register_file(registry& reg);

}  // namespace simpul::connectors
