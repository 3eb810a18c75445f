#pragma once

#include <filesystem>
#include <string_view>

#include "hub/error.h"
#include "hub/spool/route_spool.h"

namespace simpul::spool {

/// `<data_dir>/spool/<route>`, `<data_dir>/dlq`, `<data_dir>/dedup/<route>`.
/// A route name becomes a directory name, so only [A-Za-z0-9_.-] (not "."
/// or "..") is accepted: `spool.bad_name` otherwise.
result<std::filesystem::path> route_spool_dir(const std::filesystem::path& data_dir,
                                              std::string_view route);
std::filesystem::path dlq_dir(const std::filesystem::path& data_dir);
result<std::filesystem::path> dedup_dir(const std::filesystem::path& data_dir,
                                        std::string_view route);

/// "fsync" | "write" (route_config::durability) -> durability.
result<durability> parse_durability(std::string_view text);

}  // namespace simpul::spool
