#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hub/config/spec.h"

/// Terse builders for the http connectors' config specs (register.cc and
/// security_config.cc), so a field reads as one call:
/// `secret(field("token", field_type::string, "doc", {}, "${env:X}"))`.
namespace simpul::http::spec_helpers {

using config::field_spec;
using config::field_type;

inline field_spec field(std::string name, field_type type, std::string doc, std::string def = {},
                        std::string example = {}) {
  field_spec f;
  f.name = std::move(name);
  f.type = type;
  f.doc = std::move(doc);
  f.default_value = std::move(def);
  f.example = std::move(example);
  return f;
}

inline field_spec required(field_spec f) {
  f.required = true;
  return f;
}

inline field_spec one_of(field_spec f, std::vector<std::string> allowed) {
  f.allowed = std::move(allowed);
  return f;
}

inline field_spec secret(field_spec f) {
  f.secret = true;
  return f;
}

inline field_spec nested(field_spec f, std::vector<field_spec> fields) {
  f.fields = std::move(fields);
  return f;
}

}  // namespace simpul::http::spec_helpers
