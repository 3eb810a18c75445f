#pragma once

#include <utility>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "connectors/registry.h"
#include "hub/audit/audit_trail.h"
#include "hub/config/hub_config.h"
#include "hub/delivery/dead_letter.h"
#include "hub/durable_stores.h"
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

  /// `stores`: the data directory's durable state, shared with the previous
  /// generation on reload; null opens it from `cfg->hub.data_dir`.
  static result<std::unique_ptr<hub>> build(std::shared_ptr<const config::hub_config> cfg,
                                            services s,
                                            std::shared_ptr<durable_stores> stores = nullptr);

  result<void> start();
  /// `start` in two halves, for a reload: outputs and routes (delivery
  /// resumes), then the inputs not started yet (may be called again after
  /// a failure, e.g. while the previous generation still holds a port).
  result<void> start_delivery();
  result<void> start_inputs();
  void stop_accepting();
  /// Calls `idle` (from an io thread) once no delivery is in flight.
  void drain(std::function<void()> idle);
  void stop();

  /// Re-reads every connector's TLS files (SIGHUP); failures are logged and
  /// leave that connector's old certificate in place. False if any failed.
  bool reload_tls();

  /// Every connector started and able to work, and not shutting down.
  bool ready() const;
  /// Routes whose spool is full (their inputs push back); not ready meanwhile.
  std::vector<std::string> full_routes() const;
  struct connector_status {
    std::string name;
    std::string type;
    bool ready = false;
  };
  std::vector<connector_status> status() const;
  /// Circuit breaker state per output connector.
  std::vector<std::pair<std::string, circuit_breaker::state>> circuits() const;
  const config::hub_config& config() const { return *cfg_; }
  const std::shared_ptr<const config::hub_config>& config_ptr() const { return cfg_; }
  dead_letter_sink& dead_letters() { return *dlq_; }
  spool::dlq_store& dead_letter_store() { return *dlq_store_; }
  const std::vector<std::shared_ptr<route>>& routes() const { return routes_; }
  /// The running route called `name`, or null.
  std::shared_ptr<route> find_route(std::string_view name) const;
  const std::shared_ptr<durable_stores>& stores() const { return stores_; }
  /// Wakes every delivery queue (after a previous generation handed items back).
  void kick();
  /// The audit trail, or null when `hub.audit.key` is not configured.
  audit_trail* audit() const { return audit_.get(); }
  /// Hook for admin code: records one admin action ("reload", "dlq.replay",
  /// "dlq.purge", ...) by `client` (the admin caller's identity) with its
  /// outcome ("ok", an error code). No-op without an audit log.
  void audit_admin_action(std::string_view action, std::string_view client,
                          std::string_view outcome) const {
    if (audit_) audit_->admin_action(action, client, outcome);
  }
  /// Sets the gauges that are sampled rather than counted (spool and DLQ
  /// depth and age, in-flight) — called at scrape time.
  void sample_metrics(monitoring::catalogue& m) const;

 private:
  hub(std::shared_ptr<const config::hub_config> cfg, services s);
  result<void> open_audit();
  result<void> build_connectors();
  result<void> build_routes();
  result<std::shared_ptr<route>> build_route(const config::route_config& rc);

  std::shared_ptr<const config::hub_config> cfg_;
  services svc_;
  std::shared_ptr<durable_stores> stores_;
  std::shared_ptr<dead_letter_sink> dlq_;
  spool::dlq_store* dlq_store_ = nullptr;  // owned by stores_
  std::shared_ptr<audit_trail> audit_;
  std::map<std::string, connectors::input_ptr> inputs_;
  std::map<std::string, connectors::output_ptr> outputs_;
  std::map<std::string, std::shared_ptr<circuit_breaker>> breakers_;
  std::map<std::string, std::unique_ptr<connectors::context>> contexts_;
  std::vector<std::shared_ptr<route>> routes_;
  std::atomic<bool> draining_{false};
  bool started_ = false;
  bool delivering_ = false;
  std::set<std::string> inputs_started_;
};

}  // namespace simpul::hub
