#include "hub/delivery/backoff.h"

#include <gtest/gtest.h>

namespace simpul::hub {
namespace {

using std::chrono::milliseconds;

config::retry_policy policy() {
  config::retry_policy p;
  p.initial_backoff = milliseconds(100);
  p.max_backoff = milliseconds(10'000);
  p.multiplier = 2.0;
  return p;
}

TEST(Backoff, GrowsExponentiallyWithinJitterBounds) {
  auto p = policy();
  for (std::uint32_t attempt = 1; attempt <= 6; ++attempt) {
    double full = 100.0 * (1 << (attempt - 1));
    EXPECT_EQ(backoff_delay(p, attempt, milliseconds(0), 0.0).count(),
              static_cast<long>(full / 2));
    EXPECT_EQ(backoff_delay(p, attempt, milliseconds(0), 0.999999).count(),
              static_cast<long>(full) - 1);
  }
}

TEST(Backoff, CappedAtMaxEvenForHugeAttempts) {
  auto p = policy();
  EXPECT_LE(backoff_delay(p, 10'000, milliseconds(0), 1.0).count(), 10'000);
  EXPECT_GE(backoff_delay(p, 10'000, milliseconds(0), 0.0).count(), 5'000);
}

TEST(Backoff, RetryAfterWinsWhenLongerButIsCapped) {
  auto p = policy();
  EXPECT_EQ(backoff_delay(p, 1, milliseconds(3000), 0.5).count(), 3000);
  EXPECT_EQ(backoff_delay(p, 1, milliseconds(60'000), 0.5).count(), 10'000);
  // A short Retry-After does not shorten our own backoff.
  EXPECT_GE(backoff_delay(p, 5, milliseconds(1), 0.0).count(), 800);
}

}  // namespace
}  // namespace simpul::hub
