#pragma once

#include <span>
#include <string_view>

namespace simpul::cli {

/// `simpul dlq list|show|replay|purge`: the dead-letter queue of a running
/// hub, through its admin API (hub/admin/dlq_api.h).
int run_dlq_command(std::span<const std::string_view> args);

}  // namespace simpul::cli
