#pragma once

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "monitoring/process_collector.h"

namespace simpul::monitoring {

/// Every metric family of the hub, registered in one place (probe pattern):
/// components get a probe with their label values bound once and bump plain
/// counters on the hot path. Labels come only from bounded sets (route and
/// connector names from the config, fixed reason/outcome enums).
///
/// Lifecycle: one per hub process, created before the routes; shared
/// (`shared_ptr`) by probes. Thread-safe (prometheus-cpp metrics are atomic;
/// `Family::Add` locks, so probes resolve their series once).
/// docs/metrics.md lists every family; keep them in sync.
class catalogue {
 public:
  explicit catalogue(std::shared_ptr<prometheus::Registry> registry, const std::string& version);

  prometheus::Registry& registry() { return *registry_; }
  std::shared_ptr<prometheus::Registry> registry_ptr() { return registry_; }
  /// Prometheus text exposition of everything registered.
  std::string scrape() const;

  // route level
  prometheus::Family<prometheus::Counter>& received;       // {route, connector}
  prometheus::Family<prometheus::Counter>& accepted;       // {route}
  prometheus::Family<prometheus::Counter>& rejected;       // {route, reason}
  prometheus::Family<prometheus::Counter>& filtered;       // {route}
  prometheus::Family<prometheus::Counter>& mapped;         // {route}
  prometheus::Family<prometheus::Counter>& mapping_errors; // {route}
  prometheus::Family<prometheus::Gauge>& in_flight;        // {route}
  prometheus::Family<prometheus::Histogram>& mapping_duration;  // {route}
  prometheus::Family<prometheus::Histogram>& end_to_end;        // {route}
  // delivery level
  prometheus::Family<prometheus::Counter>& delivered;      // {route, connector}
  prometheus::Family<prometheus::Counter>& delivery_failures;  // {route, connector, kind}
  prometheus::Family<prometheus::Counter>& retries;        // {route, connector}
  prometheus::Family<prometheus::Counter>& handed_back;    // {route, connector}
  prometheus::Family<prometheus::Counter>& dead_lettered;  // {route, reason}
  prometheus::Family<prometheus::Counter>& duplicates;     // {route}
  prometheus::Family<prometheus::Histogram>& delivery_duration; // {route, connector}
  prometheus::Family<prometheus::Gauge>& queue_depth;      // {route, connector}
  // durable storage
  prometheus::Family<prometheus::Gauge>& spool_depth;      // {route}
  prometheus::Family<prometheus::Gauge>& spool_bytes;      // {route}
  prometheus::Family<prometheus::Gauge>& spool_limit;      // {route}
  prometheus::Family<prometheus::Gauge>& spool_full;       // {route}: 1 while pushing back
  prometheus::Family<prometheus::Gauge>& spool_oldest_age; // {route}
  prometheus::Family<prometheus::Gauge>& dlq_depth;        // {route}
  prometheus::Family<prometheus::Gauge>& dlq_oldest_age;   // {route}
  // connectors and protection
  prometheus::Family<prometheus::Gauge>& connector_up;     // {connector, type}
  prometheus::Family<prometheus::Gauge>& circuit_state;    // {connector}: 0 closed, 1 open, 2 half-open
  prometheus::Family<prometheus::Counter>& auth_failures;  // {route, reason}
  prometheus::Family<prometheus::Counter>& rate_limited;   // {route}
  prometheus::Family<prometheus::Gauge>& ready;            // {}

  /// Buckets for ms-scale work: 0.5 ms .. 30 s.
  static prometheus::Histogram::BucketBoundaries latency_buckets();

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  process_collector process_;
};

}  // namespace simpul::monitoring
