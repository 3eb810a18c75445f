#pragma once

#include <utility>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "connectors/connector.h"
#include "hub/config/hub_config.h"
#include "hub/delivery/circuit_breaker.h"
#include "hub/delivery/delivery_store.h"
#include "monitoring/catalogue.h"

namespace simpul::hub {

/// Delivers one route's accepted messages to one of its outputs: bounded
/// concurrency, retries with backoff and jitter (Retry-After honoured),
/// a shared per-output circuit breaker, per-key ordering when the route asks
/// for it, and the DLQ when a message fails permanently or runs out of
/// attempts. A slow output only fills this queue: other routes are untouched.
///
/// Lifecycle: created by the route, shared (`shared_ptr`) with pending
/// handlers; `stop()` cancels timers. Threading: all state lives on its strand;
/// `push`, `begin_drain`, `stop` may be called from any thread.
class delivery_queue : public std::enable_shared_from_this<delivery_queue> {
 public:
  struct target {
    std::string route;
    std::string connector;
    connectors::output* out = nullptr;   ///< owned by the hub, outlives the queue
    config::node_ptr options;            ///< the `to:` entry's output options
    std::shared_ptr<circuit_breaker> breaker;
  };
  struct settings {
    config::retry_policy retry;
    bool ordered = false;
    std::size_t max_in_flight = 64;
  };
  /// Called (on the strand) when a delivery is finished for good: delivered
  /// or dead-lettered. The route uses it for its in-flight accounting.
  using finished_handler = std::function<void()>;

  delivery_queue(boost::asio::io_context& io, target t, settings s, delivery_store& store,
                 dead_letter_sink& dlq, monitoring::catalogue& metrics, finished_handler finished);

  void push(delivery d);
  /// Stop starting deliveries; `idle` is called once nothing is in flight.
  void begin_drain(std::function<void()> idle);
  void stop();
  std::size_t depth() const { return depth_.load(std::memory_order_relaxed); }

 private:
  using clock = std::chrono::steady_clock;
  void enqueue(delivery d);
  void pump();
  void start_one(delivery d);
  void on_result(delivery d, connectors::delivery_result r, clock::time_point started);
  void retry_later(delivery d, std::chrono::milliseconds delay);
  void dead_letter(delivery d, std::string code, const connectors::delivery_result& r);
  void finish(const delivery& d);
  void arm_timer(clock::time_point due);
  void check_idle();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  target target_;
  settings settings_;
  delivery_store& store_;
  dead_letter_sink& dlq_;
  finished_handler finished_;

  std::deque<delivery> ready_;
  std::multimap<clock::time_point, delivery> waiting_;   // retries by due time
  std::unordered_set<std::string> busy_keys_;            // ordered mode
  std::unordered_map<std::string, std::deque<delivery>> blocked_;
  std::size_t in_flight_ = 0;
  std::atomic<std::size_t> depth_{0};
  bool draining_ = false;
  bool stopped_ = false;
  std::function<void()> idle_;
  boost::asio::steady_timer timer_;
  clock::time_point timer_due_ = clock::time_point::max();
  std::mt19937_64 rng_{std::random_device{}()};

  // probes, resolved once
  prometheus::Counter& delivered_;
  prometheus::Counter& retryable_failures_;
  prometheus::Counter& permanent_failures_;
  prometheus::Counter& retries_;
  prometheus::Histogram& duration_;
  prometheus::Histogram& end_to_end_;
  prometheus::Gauge& queue_depth_;
  monitoring::catalogue& metrics_;
};

}  // namespace simpul::hub
