#pragma once

#include <expected>
#include <filesystem>
#include <string_view>
#include <vector>

#include "hub/config/hub_config.h"

namespace simpul::connectors {
class registry;
}

namespace simpul::config {

using config_result = std::expected<hub_config, std::vector<problem>>;

/// Reads, substitutes and validates a hub config file against the connector
/// types in `reg`. Returns every problem found, sorted by position, or the
/// typed config whose nodes carry the spec defaults.
/// Relative paths in the config (data_dir, mapping and schema files,
/// ${file:..}) are resolved against the config file's folder.
/// Runs on the calling thread; touches the file system only to read.
config_result load_config(const std::filesystem::path& file, const connectors::registry& reg);

/// The same for YAML already in memory; `file` names it in problems and
/// anchors relative paths.
config_result load_config_text(std::string_view yaml, const std::filesystem::path& file,
                               const connectors::registry& reg);

/// Stable order for reports: file, line, column.
void sort_problems(std::vector<problem>& problems);

}  // namespace simpul::config
