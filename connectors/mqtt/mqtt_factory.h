#pragma once

#include "connectors/registry.h"

namespace simpul::connectors {

/// Adds the `mqtt` connector type (input and output).
void register_mqtt(registry& reg);

}  // namespace simpul::connectors
