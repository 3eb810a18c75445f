#pragma once

#include <span>
#include <string_view>

namespace simpul::cli {

/// `simpul eval`: evaluates a JSONata expression against a JSON input
/// (`-i FILE`, `-i -` for stdin), or speaks the conformance batch protocol
/// on stdin/stdout with `--batch`. `args` excludes the word "eval".
/// Returns the exit code: 0 ok, 1 evaluation error, 2 usage error.
int run_eval_command(std::span<const std::string_view> args);

}  // namespace simpul::cli
