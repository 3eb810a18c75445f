#pragma once

#include <utility>

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
#include "hub/audit/audit_trail.h"
#include "hub/config/hub_config.h"
#include "hub/delivery/circuit_breaker.h"
#include "hub/delivery/dead_letter.h"
#include "hub/delivery/delivery_probes.h"
#include "hub/spool/route_spool.h"
#include "monitoring/catalogue.h"

namespace simpul::hub {

/// Delivers one route's spooled messages to one of its outputs (one target
/// of the route's `to:` list): takes ready items from the spool, bounded
/// concurrency, retries with backoff and jitter (Retry-After honoured) kept in
/// the spool, a shared per-output circuit breaker, per-key ordering when the
/// route asks for it, and the DLQ when a message fails permanently or runs out
/// of attempts. An item leaves the spool only once the output confirmed it or
/// the DLQ holds it. A slow output only holds back this queue.
///
/// Lifecycle: created by the route, shared (`shared_ptr`) with pending
/// handlers; `stop()` cancels timers. Threading: all state lives on its strand;
/// `notify`, `begin_drain`, `stop` may be called from any thread.
class delivery_queue : public std::enable_shared_from_this<delivery_queue> {
 public:
  struct target {
    std::string route;
    std::string connector;
    std::uint32_t index = 0;             ///< position in the route's `to:` list
    connectors::output* out = nullptr;   ///< owned by the hub, outlives the queue
    config::node_ptr options;            ///< the `to:` entry's output options
    std::shared_ptr<circuit_breaker> breaker;
  };
  struct settings {
    config::retry_policy retry;
    bool ordered = false;
    std::size_t max_in_flight = 64;
    std::shared_ptr<audit_trail> audit;  ///< null: no audit log
    std::string mapping;                 ///< for audit records
    std::string mapping_version;
  };

  delivery_queue(boost::asio::io_context& io, target t, settings s, spool::route_spool& spool,
                 dead_letter_sink& dlq, monitoring::catalogue& metrics);

  /// New items may be ready in the spool.
  void notify();
  /// Stop starting deliveries; `idle` is called once nothing is in flight.
  void begin_drain(std::function<void()> idle);
  void stop();

 private:
  using clock = std::chrono::system_clock;
  void pump();
  void start_one(spool::spool_item item);
  void on_result(spool::spool_item item, connectors::delivery_result r,
                 std::chrono::steady_clock::time_point started);
  void dead_letter(spool::spool_item item, std::string code, const connectors::delivery_result& r);
  void done_with(const spool::spool_item& item);
  void arm_timer(clock::time_point due);
  void check_idle();
  void restart_parked(clock::time_point now);
  void release_parked();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  target target_;
  settings settings_;
  spool::route_spool& spool_;
  dead_letter_sink& dlq_;

  std::unordered_set<std::string> busy_keys_;  // ordered mode: keys in flight
  std::unordered_map<std::string, std::deque<spool::spool_item>> blocked_;
  // ordered mode: failed items kept (their key stays busy) until their retry
  // time, so the key's later messages cannot overtake them
  std::multimap<clock::time_point, spool::spool_item> parked_;
  std::size_t in_flight_ = 0;
  std::size_t held_ = 0;  // items taken but blocked behind their key
  bool draining_ = false;
  bool stopped_ = false;
  std::function<void()> idle_;
  boost::asio::basic_waitable_timer<clock> timer_;
  clock::time_point timer_due_ = clock::time_point::max();
  std::mt19937_64 rng_{std::random_device{}()};

  // probes, resolved once
  delivery_probes probes_;
  prometheus::Histogram& end_to_end_;
  prometheus::Gauge& in_flight_gauge_;
  monitoring::catalogue& metrics_;
};

}  // namespace simpul::hub
