#pragma once

#include <span>
#include <string_view>

namespace simpul::cli {

/// `simpul connectors [--markdown]`: the connector types compiled into this
/// binary, one per line; with --markdown the whole config reference (hub
/// keys, route keys, every connector's fields) as docs/config.md and
/// docs/connectors.md embed it.
int run_connectors(std::span<const std::string_view> args);

}  // namespace simpul::cli
