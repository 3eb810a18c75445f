#include "connectors/registry.h"

#include "connectors/file/file_factory.h"
#include "connectors/http/register.h"
#include "connectors/mqtt/mqtt_factory.h"

namespace simpul::connectors {

// One line per connector type (explicit registration: static libraries drop
// self-registering translation units).
void register_all(registry& reg) {
  register_http(reg);
  register_mqtt(reg);
  register_file(reg);
}

}  // namespace simpul::connectors
