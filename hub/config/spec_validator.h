#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "hub/config/hub_config.h"
#include "hub/config/node.h"
#include "hub/config/spec.h"

namespace simpul::config {

/// Checks config nodes against `field_spec`s, collecting every problem
/// rather than stopping at the first, and fills spec defaults into the nodes
/// so factories see complete configs. Used for the hub's own sections and for
/// every connector's fields, route options and output options.
/// Messages never contain secret text (they use `node::display()`).
class spec_validator {
 public:
  explicit spec_validator(std::vector<problem>& problems) : problems_(problems) {}

  /// `obj` must be a map (null counts as an empty map and becomes one).
  /// `owner` is where a missing required field is reported (the parent key).
  /// Keys in `extra_keys` are the caller's business and not checked here.
  /// Returns false when `obj` is not a map at all.
  bool check_object(node& obj, const std::vector<field_spec>& fields, const std::string& path,
                    const mark& owner, std::initializer_list<std::string_view> extra_keys = {});

  /// One value against one field's type, allowed values, minimum and secrecy.
  void check_value(node& value, const field_spec& field, const std::string& path);

  void report(const mark& where, const std::string& path, std::string message);

  /// The file `value` names (already resolved to `file`) must exist; `what`
  /// is "mapping file", "schema file". Returns whether it does.
  bool check_file_exists(const node& value, const std::filesystem::path& file,
                         const std::string& path, const char* what);

  /// "a map", "a list", "nothing", "'text'" — what the user wrote, safely.
  static std::string describe(const node& n);

 private:
  bool check_scalar(node& value, const field_spec& field, const std::string& path);
  void check_text(const node& value, const field_spec& field, const std::string& path);
  void fill_default(node& obj, const field_spec& field, const std::string& path);

  std::vector<problem>& problems_;
};

}  // namespace simpul::config
