#pragma once

#include <cstdio>
#include <filesystem>
#include <span>
#include <string_view>

namespace simpul::connectors {
class registry;
}

namespace simpul::cli {

/// `simpul validate -c FILE [--quiet]`: argv after "validate". Checks the
/// config against every connector type compiled in. Exit codes: 0 valid,
/// 1 invalid (every problem printed to stderr, one per line, sorted by
/// position), 2 usage error.
int run_validate(std::span<const std::string_view> args);

/// The work behind `run_validate`, with the registry and streams given, so
/// tests can use their own connector types. Success goes to `out`
/// ("FILE: ok (N connectors, N routes)", unless `quiet`), problems to `err`.
int validate_file(const std::filesystem::path& file, const connectors::registry& reg, bool quiet,
                  std::FILE* out, std::FILE* err);

}  // namespace simpul::cli
