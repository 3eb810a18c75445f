#pragma once

#include <utility>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "connectors/registry.h"
#include "hub/config/hub_config.h"
#include "hub/delivery/dead_letter.h"
#include "hub/spool/dlq_store.h"
#include "hub/route/expression.h"
#include "hub/route/route.h"
#include "monitoring/catalogue.h"

namespace simpul::hub {

/// The running hub: connectors built from the config, routes wired to them.
///
/// Lifecycle: `build` (main thread, before the io_context runs) → `start` →
/// `stop_accepting` (phase 1) → `drain` (phase 2, up to a deadline chosen by
/// the caller) → `stop`. Owns inputs, outputs and routes; outlives every
/// handler because the caller stops the io_context before destroying it.
class hub {
 public:
  struct services {
    boost::asio::io_context& io;
    monitoring::catalogue& metrics;
    const connectors::registry& registry;
    const expression_provider* expressions = nullptr;  ///< null: no mapping engine
  };

  static result<std::unique_ptr<hub>> build(std::shared_ptr<const config::hub_config> cfg,
                                            services s);

  result<void> start();
  void stop_accepting();
  /// Calls `idle` (from an io thread) once no delivery is in flight.
  void drain(std::function<void()> idle);
  void stop();

  /// Re-reads every connector's TLS files (SIGHUP); failures are logged and
  /// leave that connector's old certificate in place. False if any failed.
  bool reload_tls();

  /// Every connector started and able to work, and not shutting down.
  bool ready() const;
  struct connector_status {
    std::string name;
    std::string type;
    bool ready = false;
  };
  std::vector<connector_status> status() const;
  /// Circuit breaker state per output connector.
  std::vector<std::pair<std::string, circuit_breaker::state>> circuits() const;
  const config::hub_config& config() const { return *cfg_; }
  dead_letter_sink& dead_letters() { return *dlq_; }
  spool::dlq_store& dead_letter_store() { return *dlq_store_; }
  const std::vector<std::shared_ptr<route>>& routes() const { return routes_; }
  /// Sets the gauges that are sampled rather than counted (spool and DLQ
  /// depth and age, in-flight) — called at scrape time.
  void sample_metrics(monitoring::catalogue& m) const;

 private:
  hub(std::shared_ptr<const config::hub_config> cfg, services s);
  result<void> build_connectors();
  result<void> build_routes();
  result<std::shared_ptr<route>> build_route(const config::route_config& rc);

  std::shared_ptr<const config::hub_config> cfg_;
  services svc_;
  std::shared_ptr<dead_letter_sink> dlq_;
  spool::dlq_store* dlq_store_ = nullptr;  // owned by dlq_
  std::map<std::string, connectors::input_ptr> inputs_;
  std::map<std::string, connectors::output_ptr> outputs_;
  std::map<std::string, std::shared_ptr<circuit_breaker>> breakers_;
  std::map<std::string, std::unique_ptr<connectors::context>> contexts_;
  std::vector<std::shared_ptr<route>> routes_;
  std::atomic<bool> draining_{false};
  bool started_ = false;
};

}  // namespace simpul::hub
