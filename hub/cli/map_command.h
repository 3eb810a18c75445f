#pragma once

#include <span>
#include <string_view>

namespace simpul::cli {

/// `simpul map -m MAPPING [-i FILE]`: applies a mapping file to FILE (stdin
/// without -i) and prints the output. `args` excludes the word "map".
/// Exit code: 0 ok, 1 mapping failed, 2 usage or load error.
int run_map_command(std::span<const std::string_view> args);

}  // namespace simpul::cli
