#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace simpul::hub {

/// Per-output circuit breaker: after `threshold` consecutive failures it opens
/// for `cooldown`; then lets one probe through (half-open); a success closes
/// it, a failure re-opens it. A dead national service then costs one probe
/// per cooldown instead of a flood of doomed requests.
/// Thread-safe; shared by every route delivering to the output.
class circuit_breaker {
 public:
  enum class state { closed = 0, open = 1, half_open = 2 };
  using clock = std::chrono::steady_clock;

  circuit_breaker(std::uint32_t threshold, std::chrono::milliseconds cooldown)
      : threshold_(threshold), cooldown_(cooldown) {}

  /// May an attempt start now? In half-open state only one probe at a time.
  bool allow(clock::time_point now);
  /// When the next attempt may start (now when closed).
  clock::time_point next_allowed(clock::time_point now) const;
  void on_success();
  void on_failure(clock::time_point now);
  state current(clock::time_point now) const;

 private:
  mutable std::mutex mu_;
  std::uint32_t threshold_;
  std::chrono::milliseconds cooldown_;
  std::uint32_t failures_ = 0;
  bool open_ = false;
  bool probing_ = false;
  clock::time_point open_until_{};
};

}  // namespace simpul::hub
