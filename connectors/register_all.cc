#include "connectors/registry.h"

#include "connectors/http/register.h"

namespace simpul::connectors {

// One line per connector type (explicit registration: static libraries drop
// self-registering translation units).
void register_all(registry& reg) { register_http(reg); }

}  // namespace simpul::connectors
