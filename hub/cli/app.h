#pragma once

#include <span>
#include <string_view>

namespace simpul::cli {

/// Runs one `simpul` invocation: argv without the program name. Returns the
/// process exit code. Never throws.
int run_app(std::span<const std::string_view> args);

}  // namespace simpul::cli
