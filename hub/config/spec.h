#pragma once

#include <optional>
#include <string>
#include <vector>

namespace simpul::config {

/// The type a config field must have. Durations and sizes are strings with
/// units (STYLE: "30s", "1MiB").
enum class field_type {
  string,
  integer,
  number,
  boolean,
  duration,
  size,
  string_list,  ///< a list of strings (a single string is accepted as a list of one)
  string_map,   ///< map of string -> string (e.g. headers)
  object,       ///< nested fields, described by `fields`
  object_list,  ///< list of objects, each described by `fields`
  any,          ///< free-form (validated by the component itself)
  host_port,    ///< "host:port" to listen on or connect to ("127.0.0.1:8080", "[::1]:0")
};

const char* to_string(field_type t);

/// One field of a component's config. The same spec drives validation
/// (`simpul validate`), defaults and the generated connector reference.
struct field_spec {
  std::string name;
  field_type type = field_type::string;
  std::string doc;
  bool required = false;
  std::string default_value;          ///< textual default, as it would be written in YAML
  std::vector<std::string> allowed;   ///< allowed values (enums); empty = any
  std::vector<field_spec> fields;     ///< for object / object_list
  bool secret = false;                ///< must come from ${env:..}/${file:..}; never printed
  std::string example;
  std::optional<double> min;          ///< integer / number: smallest allowed value
};

/// A self-describing component (a connector type, a step type).
struct component_spec {
  std::string type;      ///< registry name, e.g. "http_server"
  std::string summary;   ///< one line for docs and `simpul connectors`
  bool input = false;    ///< can be used in a route's `from`
  bool output = false;   ///< can be used in a route's `to`
  bool request_reply = false;  ///< input can hold its caller for the answer
                               ///< (a route's `mode: request_reply`)
  std::vector<field_spec> fields;        ///< connector-level config
  std::vector<field_spec> route_fields;  ///< per-route options in a route's `from:`
                                         ///< (e.g. http_server: path, methods, mode)
  std::vector<field_spec> output_fields; ///< per-route options in a route's `to:` entry
};

}  // namespace simpul::config
