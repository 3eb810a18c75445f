#include "hub/delivery/circuit_breaker.h"

namespace simpul::hub {

bool circuit_breaker::allow(clock::time_point now) {
  std::lock_guard lock(mu_);
  if (!open_) return true;
  if (now < open_until_ || probing_) return false;
  probing_ = true;  // half-open: this caller is the probe
  return true;
}

circuit_breaker::clock::time_point circuit_breaker::next_allowed(clock::time_point now) const {
  std::lock_guard lock(mu_);
  if (!open_) return now;
  return open_until_ > now ? open_until_ : now;
}

void circuit_breaker::on_success() {
  std::lock_guard lock(mu_);
  failures_ = 0;
  open_ = false;
  probing_ = false;
}

void circuit_breaker::on_failure(clock::time_point now) {
  std::lock_guard lock(mu_);
  ++failures_;
  if (probing_ || failures_ >= threshold_) {
    open_ = true;
    open_until_ = now + cooldown_;
  }
  probing_ = false;
}

circuit_breaker::state circuit_breaker::current(clock::time_point now) const {
  std::lock_guard lock(mu_);
  if (!open_) return state::closed;
  return now < open_until_ ? state::open : state::half_open;
}

}  // namespace simpul::hub
