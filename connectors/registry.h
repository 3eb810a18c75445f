#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.h"

namespace simpul::connectors {

/// The set of known connector types. An object, not a global: `simpul` fills
/// one with `register_all`, tests build their own. Filled on the main thread
/// before the io_context runs; read-only afterwards.
class registry {
 public:
  /// Fails on a duplicate type name.
  result<void> add(std::unique_ptr<connector_factory> factory);
  const connector_factory* find(const std::string& type) const;
  /// Sorted type names, for "unknown type 'x' (known: a, b, c)".
  std::vector<std::string> names() const;

 private:
  std::map<std::string, std::unique_ptr<connector_factory>> factories_;
};

/// Registers every connector compiled into this build (connectors/register_all.cc).
void register_all(registry& reg);

}  // namespace simpul::connectors
