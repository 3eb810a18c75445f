#include "hub/config/hub_config.h"

namespace simpul::config {

std::string format_problem(const problem& p) {
  std::string out = p.where.file;
  if (p.where.line > 0) {
    out += ':' + std::to_string(p.where.line);
    if (p.where.column > 0) out += ':' + std::to_string(p.where.column);
  }
  out += ": ";
  if (!p.path.empty()) out += p.path + ": ";
  out += p.message;
  return out;
}

const connector_config* hub_config::find_connector(std::string_view name) const {
  for (const auto& c : connectors) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const mapping_ref* hub_config::find_mapping(std::string_view name) const {
  for (const auto& m : mappings) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace simpul::config
