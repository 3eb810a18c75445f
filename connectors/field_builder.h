#pragma once

#include <string>
#include <utility>
#include <vector>

#include "hub/config/spec.h"

namespace simpul::connectors {

/// Builds a `field_spec` readably: `field("url", string, "doc").required()`.
class field {
 public:
  field(std::string name, config::field_type type, std::string doc) {
    spec_.name = std::move(name);
    spec_.type = type;
    spec_.doc = std::move(doc);
  }
  field& required() { spec_.required = true; return *this; }
  field& secret() { spec_.secret = true; return *this; }
  field& fallback(std::string v) { spec_.default_value = std::move(v); return *this; }
  field& one_of(std::vector<std::string> v) { spec_.allowed = std::move(v); return *this; }
  field& example(std::string v) { spec_.example = std::move(v); return *this; }
  operator config::field_spec() const { return spec_; }  // NOLINT: builder converts implicitly

 private:
  config::field_spec spec_;
};

}  // namespace simpul::connectors
