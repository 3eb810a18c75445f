#pragma once

#include <filesystem>
#include <string>

#include "connectors/registry.h"

namespace simpul::config::testing {

/// A registry with three small connector types whose specs use every field
/// type, defaults, allowed values, minimums, secrets, route and output
/// options and a cross-field `check()`:
///   test_server  input only, supports request_reply
///   test_client  output only
///   test_queue   input and output, no request_reply
connectors::registry make_test_registry();

/// A fresh directory under the system temp dir, removed with everything in
/// it when the object dies.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// Writes `text` to `relative` (creating folders) and returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace simpul::config::testing
