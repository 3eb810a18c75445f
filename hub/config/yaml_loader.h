#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/config/hub_config.h"
#include "hub/config/node.h"

namespace simpul::config {

/// Parses one YAML document into a `node` tree whose keys and values carry
/// 1-based FILE:LINE:COL marks. The yaml-cpp adapter: its exceptions stay in
/// here.
///
/// A syntax error ends parsing: it is appended to `problems` as
/// `FILE:LINE:COL: yaml: ...` and nullopt is returned. Duplicate keys and
/// non-scalar keys are appended too, but parsing continues (the first
/// occurrence of a key wins). Anchors and aliases are expanded. An empty
/// document yields a null node.
std::optional<node> parse_yaml(std::string_view text, const std::string& file,
                               std::vector<problem>& problems);

/// Reads `path` and parses it; an unreadable file is a problem at line 0.
std::optional<node> load_yaml_file(const std::filesystem::path& path,
                                   std::vector<problem>& problems);

}  // namespace simpul::config
