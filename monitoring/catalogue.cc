#include "monitoring/catalogue.h"

#include <prometheus/text_serializer.h>

#include "monitoring/process_collector.h"

namespace simpul::monitoring {
namespace {

prometheus::Family<prometheus::Counter>& counter(prometheus::Registry& r, const char* name,
                                                 const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}
prometheus::Family<prometheus::Gauge>& gauge(prometheus::Registry& r, const char* name,
                                             const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}
prometheus::Family<prometheus::Histogram>& histogram(prometheus::Registry& r, const char* name,
                                                     const char* help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(r);
}

}  // namespace

catalogue::catalogue(std::shared_ptr<prometheus::Registry> reg, const std::string& version)
    : received(counter(*reg, "simpul_messages_received_total",
                       "Messages handed to a route by its input.")),
      accepted(counter(*reg, "simpul_messages_accepted_total",
                       "Messages the hub took responsibility for (acknowledged to the sender).")),
      rejected(counter(*reg, "simpul_messages_rejected_total",
                       "Messages refused at ingress, by reason (malformed, validation, ...).")),
      filtered(counter(*reg, "simpul_messages_filtered_total",
                       "Messages dropped by a route's when/filter condition.")),
      mapped(counter(*reg, "simpul_messages_mapped_total", "Messages transformed by a map step.")),
      mapping_errors(counter(*reg, "simpul_mapping_errors_total",
                             "Map, filter or condition evaluations that failed.")),
      in_flight(gauge(*reg, "simpul_messages_in_flight",
                      "Messages accepted and not yet delivered or dead-lettered.")),
      mapping_duration(histogram(*reg, "simpul_mapping_duration_seconds",
                                 "Time spent in a route's steps per message.")),
      end_to_end(histogram(*reg, "simpul_end_to_end_latency_seconds",
                           "Time from receipt to confirmed delivery.")),
      delivered(counter(*reg, "simpul_messages_delivered_total",
                        "Messages confirmed by an output.")),
      delivery_failures(counter(*reg, "simpul_delivery_failures_total",
                                "Failed delivery attempts, by kind (retryable|permanent).")),
      retries(counter(*reg, "simpul_delivery_retries_total", "Delivery attempts after the first.")),
      handed_back(counter(*reg, "simpul_delivery_handed_back_total",
                          "Deliveries an output handed back unsent while draining (no attempt).")),
      dead_lettered(counter(*reg, "simpul_messages_dead_lettered_total",
                            "Messages moved to the dead-letter queue, by reason.")),
      duplicates(counter(*reg, "simpul_messages_duplicate_total",
                         "Messages answered as duplicates of one accepted within the dedup window.")),
      delivery_duration(histogram(*reg, "simpul_delivery_duration_seconds",
                                  "Duration of one delivery attempt.")),
      queue_depth(gauge(*reg, "simpul_delivery_queue_depth",
                        "Messages waiting for delivery to an output.")),
      spool_depth(gauge(*reg, "simpul_spool_depth", "Deliveries waiting in a route's spool.")),
      spool_bytes(gauge(*reg, "simpul_spool_bytes", "Bytes of message bodies in a route's spool.")),
      spool_limit(gauge(*reg, "simpul_spool_limit_messages",
                        "Configured bound on a route's spool (max_messages).")),
      spool_full(gauge(*reg, "simpul_spool_full",
                       "1 while a route's spool is full and its input pushes back (503, withheld acks).")),
      spool_oldest_age(gauge(*reg, "simpul_spool_oldest_age_seconds",
                             "Age of the oldest delivery waiting in a route's spool.")),
      dlq_depth(gauge(*reg, "simpul_dlq_depth", "Dead letters held for a route.")),
      dlq_oldest_age(gauge(*reg, "simpul_dlq_oldest_age_seconds",
                           "Age of the oldest dead letter of a route.")),
      connector_up(gauge(*reg, "simpul_connector_up",
                         "1 when the connector is started and able to work.")),
      circuit_state(gauge(*reg, "simpul_circuit_state",
                          "Output circuit breaker: 0 closed, 1 open, 2 half-open.")),
      auth_failures(counter(*reg, "simpul_auth_failures_total",
                            "Requests refused by authentication or access control, by reason.")),
      rate_limited(counter(*reg, "simpul_rate_limited_total",
                           "Requests refused by a per-client rate limit.")),
      ready(gauge(*reg, "simpul_ready", "1 when /readyz answers 200.")),
      registry_(std::move(reg)) {
  gauge(*registry_, "simpul_build_info", "Build information; value is always 1.")
      .Add({{"version", version}})
      .Set(1);
}

std::string catalogue::scrape() const {
  auto families = registry_->Collect();
  auto process = process_.Collect();
  families.insert(families.end(), process.begin(), process.end());
  return prometheus::TextSerializer().Serialize(families);
}

prometheus::Histogram::BucketBoundaries catalogue::latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

}  // namespace simpul::monitoring
