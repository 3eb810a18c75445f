#pragma once

#include <filesystem>
#include <set>
#include <string>

#include "hub/error.h"

namespace simpul::connectors::file {

/// SHA-256 of every file this input finished, persisted (append + fsync) in
/// `<data_dir>/<connector>/seen.index`, so the same file dropped twice is
/// ingested once. Thread: the file input's worker.
class seen_index {
 public:
  static result<seen_index> open(const std::filesystem::path& path);
  bool contains(const std::string& sha256) const { return seen_.count(sha256) != 0; }
  result<void> add(const std::string& sha256, const std::string& name);

 private:
  std::filesystem::path path_;
  std::set<std::string> seen_;
};

/// Lowercase hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

}  // namespace simpul::connectors::file
