#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "hub/config/node.h"

namespace simpul::test {

/// Config nodes for connector tests, as the loader would produce them.
inline config::node scalar(std::string text) {
  config::node n(config::node::kind::scalar, {"test.yaml", 1, 1});
  n.set_text(std::move(text));
  return n;
}

inline config::node sequence(std::initializer_list<config::node> items) {
  config::node n(config::node::kind::sequence, {"test.yaml", 1, 1});
  for (const auto& i : items) n.items().push_back(i);
  return n;
}

inline config::node map(std::initializer_list<std::pair<std::string, config::node>> entries) {
  config::node n(config::node::kind::map, {"test.yaml", 1, 1});
  for (const auto& [k, v] : entries) n.set(k, v);
  return n;
}

inline config::node_ptr share(config::node n) { return std::make_shared<const config::node>(std::move(n)); }

}  // namespace simpul::test
