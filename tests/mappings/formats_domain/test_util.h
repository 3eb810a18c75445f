#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>

#include <stdlib.h>

namespace simpul::mappings::test_support {

/// The shared SPBE research folder (samples, code tables). It lives beside
/// the repository and is never copied into it; tests skip when it is absent.
/// SIMPUL_SPBE_DIR overrides; otherwise ../shared/spbe next to the checkout
/// (or next to the worktree folder, for checkouts under /work/wt/<name>).
inline std::string spbe_dir() {
  if (const char* env = std::getenv("SIMPUL_SPBE_DIR"); env != nullptr && *env != '\0') return env;
  const std::string beside = SIMPUL_SOURCE_DIR "/../shared/spbe";
  if (std::filesystem::is_directory(beside)) return beside;
  return SIMPUL_SOURCE_DIR "/../../shared/spbe";
}

inline std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A fresh directory under the system temp dir, removed with its contents
/// when the object goes away.
class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "simpul-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name, std::ios::binary) << content;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace simpul::mappings::test_support
