#pragma once

#include "hub/error.h"

namespace simpul::connectors {

/// A connector with TLS files that can be re-read at runtime (SIGHUP):
/// certificate rotation without a restart. New connections use the new
/// files, open ones keep theirs; on failure the old ones stay. The hub finds
/// these with dynamic_cast. Threading: callable from the main thread while
/// the connector runs.
class tls_reloadable {
 public:
  virtual ~tls_reloadable() = default;
  virtual result<void> reload_tls() = 0;
};

}  // namespace simpul::connectors
