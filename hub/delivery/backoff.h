#pragma once

#include <chrono>
#include <cstdint>

#include "hub/config/hub_config.h"

namespace simpul::hub {

/// Delay before retry number `attempt` (1 = first retry): exponential
/// (initial * multiplier^(attempt-1), capped at max) with "equal jitter" — a
/// uniform draw in [d/2, d] — so a fleet of failing messages does not retry in
/// lockstep. A server's Retry-After wins when it asks for longer (capped at max).
/// `random01` is a uniform draw in [0,1): injected so tests are deterministic.
std::chrono::milliseconds backoff_delay(const config::retry_policy& policy, std::uint32_t attempt,
                                        std::chrono::milliseconds retry_after, double random01);

}  // namespace simpul::hub
