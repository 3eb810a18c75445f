#include "connectors/registry.h"

namespace simpul::connectors {

// One line per connector type (explicit registration: static libraries drop
// self-registering translation units).
void register_all(registry& reg) {
  (void)reg;
}

}  // namespace simpul::connectors
