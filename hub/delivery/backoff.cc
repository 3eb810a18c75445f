#include "hub/delivery/backoff.h"

#include <algorithm>
#include <cmath>

namespace simpul::hub {

std::chrono::milliseconds backoff_delay(const config::retry_policy& policy, std::uint32_t attempt,
                                        std::chrono::milliseconds retry_after, double random01) {
  const double initial = static_cast<double>(policy.initial_backoff.count());
  const double cap = static_cast<double>(policy.max_backoff.count());
  const double exponent = attempt == 0 ? 0.0 : static_cast<double>(attempt - 1);
  // pow overflows to inf for huge attempts; min() brings it back to the cap.
  double d = std::min(cap, initial * std::pow(std::max(1.0, policy.multiplier), exponent));
  d = d / 2 + (d / 2) * std::clamp(random01, 0.0, 1.0);
  double server = std::min(cap, static_cast<double>(retry_after.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(d, server)));
}

}  // namespace simpul::hub
