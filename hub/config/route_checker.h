#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "hub/config/hub_config.h"
#include "hub/config/spec.h"
#include "hub/config/spec_validator.h"

namespace simpul::config {

/// What the routes may refer to, gathered from the sections checked before.
struct route_names {
  /// connector name -> its type's spec; nullptr when the type is unknown
  /// (already reported: the route's options are then left unchecked).
  std::map<std::string, const component_spec*> connectors;
  std::map<std::string, std::filesystem::path> mappings;
  std::filesystem::path base_dir;
};

/// Checks the `routes:` section (every route's from, steps, to, options and
/// the references between them), reports into `v` and returns the typed
/// routes (meaningful only when no problem was reported).
class route_checker {
 public:
  route_checker(spec_validator& v, const route_names& names) : v_(v), names_(names) {}

  std::vector<route_config> check(node& routes);

 private:
  /// A reference to a connector: `NAME` or `{connector: NAME, <options>}`.
  struct connector_ref {
    bool ok = true;  ///< false when the shape itself is wrong
    std::string name;
    const component_spec* spec = nullptr;  ///< null: unknown, misused or type unknown
    node_ptr options;                      ///< the options, defaults filled
  };

  route_config check_route(const std::string& name, node& route, const mark& key_mark);
  const component_spec* check_from(route_config& r, node& from, const std::string& path);
  void check_dedup(route_config& r, const node& d, const std::string& path);
  void check_steps(route_config& r, node& steps, const std::string& path);
  void check_to(route_config& r, node& to, const std::string& path);
  void check_target(route_config& r, node& entry, const std::string& path);
  connector_ref check_ref(node& entry, const std::string& path, bool as_input);
  /// The connector `name` written at `at`: known, and usable in that role.
  const component_spec* connector_for(const node& at, const std::string& path, bool as_input);

  spec_validator& v_;
  const route_names& names_;
};

}  // namespace simpul::config
