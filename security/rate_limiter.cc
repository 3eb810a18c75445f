#include "security/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace simpul::security {

rate_limiter::rate_limiter(options opts) : opts_(opts) {
  opts_.rate = std::max(opts_.rate, 1e-6);
  opts_.burst = std::max(opts_.burst, 1.0);
  opts_.max_clients = std::max<std::size_t>(opts_.max_clients, 1);
}

void rate_limiter::refill(bucket& b, clock::time_point now) const {
  if (now <= b.updated) return;
  double elapsed = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(opts_.burst, b.tokens + elapsed * opts_.rate);
  b.updated = now;
}

void rate_limiter::evict(clock::time_point now) {
  // Full buckets first, scanning from the cold end; bounded work per call.
  std::size_t scanned = 0;
  for (auto it = lru_.end(); it != lru_.begin() && scanned < 64; ++scanned) {
    --it;
    bucket probe = *it;
    refill(probe, now);
    if (probe.tokens >= opts_.burst) {
      index_.erase(it->client);
      it = lru_.erase(it);
      if (index_.size() < opts_.max_clients) return;
    }
  }
  while (index_.size() >= opts_.max_clients) {
    index_.erase(lru_.back().client);
    lru_.pop_back();
  }
}

rate_limiter::verdict rate_limiter::acquire(std::string_view client, clock::time_point now,
                                            double cost) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(client);
  std::list<bucket>::iterator it;
  if (found == index_.end()) {
    if (index_.size() >= opts_.max_clients) evict(now);
    lru_.push_front(bucket{std::string(client), opts_.burst, now});
    it = lru_.begin();
    index_.emplace(it->client, it);
  } else {
    it = found->second;
    lru_.splice(lru_.begin(), lru_, it);
  }
  refill(*it, now);
  if (it->tokens >= cost) {
    it->tokens -= cost;
    return {true, std::chrono::seconds(0)};
  }
  double wait = (cost - it->tokens) / opts_.rate;
  auto secs = static_cast<long long>(std::ceil(wait));
  return {false, std::chrono::seconds(std::max(1LL, secs))};
}

std::size_t rate_limiter::tracked_clients() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}

}  // namespace simpul::security
