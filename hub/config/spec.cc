#include "hub/config/spec.h"

namespace simpul::config {

const char* to_string(field_type t) {
  switch (t) {
    case field_type::string: return "string";
    case field_type::integer: return "integer";
    case field_type::number: return "number";
    case field_type::boolean: return "boolean";
    case field_type::duration: return "duration";
    case field_type::size: return "size";
    case field_type::string_list: return "list of strings";
    case field_type::string_map: return "map of strings";
    case field_type::object: return "object";
    case field_type::object_list: return "list of objects";
    case field_type::any: return "any";
    case field_type::host_port: return "host:port";
  }
  return "?";
}

}  // namespace simpul::config
