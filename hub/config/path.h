#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace simpul::config {

/// Dotted paths for problems: "routes.lapor.to[1].connector".
inline std::string child_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string out(parent);
  out += '.';
  out += key;
  return out;
}

inline std::string index_path(std::string_view parent, std::size_t i) {
  return std::string(parent) + "[" + std::to_string(i) + "]";
}

}  // namespace simpul::config
