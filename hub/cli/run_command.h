#pragma once

#include <span>
#include <string_view>

namespace simpul::cli {

/// `simpul run -c FILE`: runs the hub until SIGINT/SIGTERM, then stops in two
/// phases (stop accepting; drain in-flight deliveries up to
/// hub.shutdown_timeout) and exits 0. An invalid config is refused with the
/// same messages as `simpul validate` (exit 1).
int run_run(std::span<const std::string_view> args);

}  // namespace simpul::cli
