#include "security/rate_limiter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "security/token_cache.h"

namespace simpul::security {
namespace {

using namespace std::chrono_literals;
using clock_t_ = std::chrono::steady_clock;
const clock_t_::time_point t0{std::chrono::hours(1)};

TEST(RateLimiter, BurstThenRefusalWithRetryAfter) {
  rate_limiter rl({.rate = 2, .burst = 5, .max_clients = 100});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(rl.acquire("dukcapil", t0).allowed) << i;
  auto v = rl.acquire("dukcapil", t0);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after, 1s);  // one token at 2/s comes back in 0.5 s, rounded up
  // Another client has its own bucket.
  EXPECT_TRUE(rl.acquire("bpjs", t0).allowed);
}

TEST(RateLimiter, RetryAfterReflectsSlowRates) {
  rate_limiter rl({.rate = 0.1, .burst = 1, .max_clients = 10});
  EXPECT_TRUE(rl.acquire("a", t0).allowed);
  auto v = rl.acquire("a", t0 + 1s);
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after, 9s);
  EXPECT_FALSE(rl.acquire("a", t0 + 9s).allowed);
  EXPECT_TRUE(rl.acquire("a", t0 + 10s).allowed);
}

TEST(RateLimiter, RefillsOverTimeUpToBurst) {
  rate_limiter rl({.rate = 1, .burst = 3, .max_clients = 10});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(rl.acquire("a", t0).allowed);
  EXPECT_FALSE(rl.acquire("a", t0).allowed);
  EXPECT_TRUE(rl.acquire("a", t0 + 1s).allowed);
  EXPECT_FALSE(rl.acquire("a", t0 + 1s).allowed);
  // A long idle period refills only to the burst.
  auto later = t0 + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.acquire("a", later).allowed);
  EXPECT_FALSE(rl.acquire("a", later).allowed);
}

TEST(RateLimiter, MemoryIsBoundedAndIdleClientsGoFirst) {
  rate_limiter rl({.rate = 1, .burst = 2, .max_clients = 3});
  // "busy" is the least recently used entry, with an empty bucket at t0 + 10 s;
  // the two others were used later but have refilled by then.
  ASSERT_TRUE(rl.acquire("busy", t0 + 10s).allowed);
  ASSERT_TRUE(rl.acquire("busy", t0 + 10s).allowed);
  rl.acquire("idle1", t0 + 5s);
  rl.acquire("idle2", t0 + 5s);
  EXPECT_EQ(rl.tracked_clients(), 3u);
  // A new client evicts a refilled (idle) bucket, not the empty one: "busy"
  // is still refused, which it would not be if it had been forgotten.
  EXPECT_TRUE(rl.acquire("newcomer", t0 + 10s).allowed);
  EXPECT_EQ(rl.tracked_clients(), 3u);
  EXPECT_FALSE(rl.acquire("busy", t0 + 10s).allowed);
  for (int i = 0; i < 50; ++i) rl.acquire("flood" + std::to_string(i), t0 + 10s);
  EXPECT_EQ(rl.tracked_clients(), 3u);
}

TEST(RateLimiter, ThreadSafeCounting) {
  rate_limiter rl({.rate = 1e-6, .burst = 1000, .max_clients = 10});
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i)
        if (rl.acquire("shared", t0).allowed) ++allowed;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 1000);
}

TEST(TokenCache, RefreshesBeforeExpiry) {
  token_cache cache(30s);
  EXPECT_FALSE(cache.get(t0));
  EXPECT_TRUE(cache.begin_refresh(t0));
  EXPECT_FALSE(cache.begin_refresh(t0));  // single flight
  cache.store("tok-1", 300s, t0);
  EXPECT_EQ(cache.get(t0 + 269s), "tok-1");
  EXPECT_FALSE(cache.get(t0 + 270s));  // 30 s before expiry
  EXPECT_TRUE(cache.begin_refresh(t0 + 270s));
}

TEST(TokenCache, InvalidateOn401OnlyDropsThatToken) {
  token_cache cache(30s);
  cache.store("old", 300s, t0);
  cache.store("new", 300s, t0 + 1s);
  cache.invalidate("old");  // late 401 for the previous token
  EXPECT_EQ(cache.get(t0 + 2s), "new");
  cache.invalidate("new");
  EXPECT_FALSE(cache.get(t0 + 2s));
}

TEST(TokenCache, FailedOrStalledRefreshCanBeRetried) {
  token_cache cache;
  EXPECT_TRUE(cache.begin_refresh(t0));
  cache.end_refresh();
  EXPECT_TRUE(cache.begin_refresh(t0));
  EXPECT_FALSE(cache.begin_refresh(t0 + 59s));
  EXPECT_TRUE(cache.begin_refresh(t0 + 60s));
  cache.store("short", 20s, t0);  // shorter than 2x margin: used for half its life
  EXPECT_EQ(cache.get(t0 + 9s), "short");
  EXPECT_FALSE(cache.get(t0 + 10s));
}

}  // namespace
}  // namespace simpul::security
