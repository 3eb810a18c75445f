#pragma once

#include <chrono>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace simpul::security {

/// Token bucket per client identity: each client may send `burst` requests
/// at once and `rate` per second sustained. Refused requests get the number
/// of seconds until one token is back (for `Retry-After`, at least 1).
///
/// Memory is bounded by `max_clients`: buckets live in LRU order; when the
/// table is full, buckets that have refilled completely (idle long enough,
/// so dropping them loses nothing) are evicted first, then the least
/// recently used one (which then restarts with a full burst — the only
/// approximation, reached only when more than max_clients are active).
///
/// Threading: `acquire` is safe from any thread (one mutex, O(1) per call
/// amortised). Time is passed in (steady_clock) so tests need no sleeps.
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  struct options {
    double rate = 10;   ///< tokens per second
    double burst = 20;  ///< bucket size
    std::size_t max_clients = 10000;
  };
  struct verdict {
    bool allowed = true;
    std::chrono::seconds retry_after{0};
  };

  explicit rate_limiter(options opts);

  verdict acquire(std::string_view client, clock::time_point now, double cost = 1);
  std::size_t tracked_clients() const;

 private:
  struct bucket {
    std::string client;
    double tokens;
    clock::time_point updated;
  };
  void refill(bucket& b, clock::time_point now) const;
  void evict(clock::time_point now);

  options opts_;
  mutable std::mutex mutex_;
  std::list<bucket> lru_;  // front = most recently used
  std::unordered_map<std::string_view, std::list<bucket>::iterator> index_;
};

}  // namespace simpul::security
