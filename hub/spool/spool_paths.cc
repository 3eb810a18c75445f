#include "hub/spool/spool_paths.h"

#include <algorithm>
#include <string>

namespace simpul::spool {
namespace {

bool safe_name(std::string_view s) {
  if (s.empty() || s == "." || s == ".." || s.size() > 200) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
  });
}

result<std::filesystem::path> under(const std::filesystem::path& data_dir, const char* kind,
                                    std::string_view route) {
  if (!safe_name(route)) {
    return make_error("spool.bad_name",
                      "route name '" + std::string(route) + "' cannot name a directory");
  }
  return data_dir / kind / std::string(route);
}

}  // namespace

result<std::filesystem::path> route_spool_dir(const std::filesystem::path& data_dir,
                                              std::string_view route) {
  return under(data_dir, "spool", route);
}

std::filesystem::path dlq_dir(const std::filesystem::path& data_dir) { return data_dir / "dlq"; }

result<std::filesystem::path> dedup_dir(const std::filesystem::path& data_dir,
                                        std::string_view route) {
  return under(data_dir, "dedup", route);
}

result<durability> parse_durability(std::string_view text) {
  if (text == "fsync") return durability::fsync;
  if (text == "write") return durability::write;
  return make_error("spool.bad_durability",
                    "durability must be 'fsync' or 'write', not '" + std::string(text) + "'");
}

}  // namespace simpul::spool
