#include "connectors/registry.h"

namespace simpul::connectors {

result<void> registry::add(std::unique_ptr<connector_factory> factory) {
  auto name = factory->spec().type;
  if (factories_.contains(name)) {
    return make_error("registry.duplicate", "connector type '" + name + "' registered twice");
  }
  factories_.emplace(std::move(name), std::move(factory));
  return {};
}

const connector_factory* registry::find(const std::string& type) const {
  auto it = factories_.find(type);
  return it == factories_.end() ? nullptr : it->second.get();
}

std::vector<std::string> registry::names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : factories_) out.push_back(k);
  return out;
}

}  // namespace simpul::connectors
