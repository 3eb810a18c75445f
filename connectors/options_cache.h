#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "hub/config/node.h"
#include "hub/error.h"

namespace simpul::connectors {

/// Per-route output options (a route's `to:` entry), parsed once per config
/// node and shared afterwards: outputs are called for every message, and the
/// node behind a route's options never changes while the route exists.
/// Thread-safe. Keeps the node alive so its address stays a valid key.
template <class T>
class options_cache {
 public:
  /// The parsed options for `n`, reading them with `read(const node&)` the
  /// first time; a missing node reads as an empty one.
  template <class Read>
  result<std::shared_ptr<const T>> get(const config::node_ptr& n, Read read) {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(n.get()); it != cache_.end()) return it->second.second;
    auto o = read(n ? *n : config::node{});
    if (!o) return std::unexpected(o.error());
    auto shared = std::make_shared<const T>(std::move(*o));
    cache_[n.get()] = {n, shared};
    return shared;
  }

 private:
  std::mutex mu_;
  std::map<const config::node*, std::pair<config::node_ptr, std::shared_ptr<const T>>> cache_;
};

}  // namespace simpul::connectors
