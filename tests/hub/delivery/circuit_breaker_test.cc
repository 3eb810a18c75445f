#include "hub/delivery/circuit_breaker.h"

#include <gtest/gtest.h>

namespace simpul::hub {
namespace {

using clock = circuit_breaker::clock;
using std::chrono::seconds;

TEST(CircuitBreaker, OpensAfterThresholdConsecutiveFailures) {
  circuit_breaker b(3, seconds(10));
  auto t = clock::now();
  b.on_failure(t);
  b.on_failure(t);
  EXPECT_EQ(b.current(t), circuit_breaker::state::closed);
  EXPECT_TRUE(b.allow(t));
  b.on_failure(t);
  EXPECT_EQ(b.current(t), circuit_breaker::state::open);
  EXPECT_FALSE(b.allow(t + seconds(5)));
  EXPECT_EQ(b.next_allowed(t + seconds(5)), t + seconds(10));
}

TEST(CircuitBreaker, SuccessResetsTheCount) {
  circuit_breaker b(3, seconds(10));
  auto t = clock::now();
  b.on_failure(t);
  b.on_failure(t);
  b.on_success();
  b.on_failure(t);
  b.on_failure(t);
  EXPECT_EQ(b.current(t), circuit_breaker::state::closed);
}

TEST(CircuitBreaker, HalfOpenLetsOneProbeThenClosesOnSuccess) {
  circuit_breaker b(1, seconds(10));
  auto t = clock::now();
  b.on_failure(t);
  auto later = t + seconds(11);
  EXPECT_EQ(b.current(later), circuit_breaker::state::half_open);
  EXPECT_TRUE(b.allow(later));   // the probe
  EXPECT_FALSE(b.allow(later));  // only one at a time
  b.on_success();
  EXPECT_EQ(b.current(later), circuit_breaker::state::closed);
  EXPECT_TRUE(b.allow(later));
}

TEST(CircuitBreaker, FailedProbeReopensForAnotherCooldown) {
  circuit_breaker b(1, seconds(10));
  auto t = clock::now();
  b.on_failure(t);
  auto later = t + seconds(11);
  ASSERT_TRUE(b.allow(later));
  b.on_failure(later);
  EXPECT_EQ(b.current(later + seconds(5)), circuit_breaker::state::open);
  EXPECT_TRUE(b.allow(later + seconds(10)));
}

}  // namespace
}  // namespace simpul::hub
