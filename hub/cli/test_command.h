#pragma once

#include <span>
#include <string_view>

namespace simpul::cli {

/// `simpul test [PATH...]`: runs the examples of mapping files (PATHs are
/// files or directories searched recursively for *.yaml mappings; default
/// "."), prints PASS/FAIL per example with a diff for failures and ends
/// with "N passed, N failed". Exit code: 0 all passed, 1 any failure or
/// load error, 2 usage error.
int run_test_command(std::span<const std::string_view> args);

}  // namespace simpul::cli
