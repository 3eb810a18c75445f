#pragma once

#include <utility>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connectors/connector.h"
#include "hub/config/hub_config.h"
#include "hub/delivery/delivery_probes.h"
#include "hub/delivery/delivery_queue.h"
#include "hub/delivery/dead_letter.h"
#include "hub/route/expression.h"
#include "hub/route/step.h"
#include "hub/spool/dedup_store.h"
#include "hub/spool/route_spool.h"
#include "monitoring/catalogue.h"

namespace simpul::hub {

/// `accepted` for `msg` (HTTP 202): the hub has it.
connectors::ingest_result accepted_result(const message& msg);

/// A running route: the `ingress` its input hands messages to. It runs the
/// route's condition and steps, picks the targets whose `when` matches, and
/// either stores the deliveries and acknowledges (accept mode), calls the
/// first matching output and returns its answer (request-reply mode), or
/// delivers to every matching output at once and acknowledges when they all
/// have it (forward mode: the sender keeps the message until then).
///
/// Lifecycle: built by `hub` from a validated config; shared with inputs
/// (as their ingress) and with pending handlers. Threading: `submit` runs on
/// the calling input's thread; the pipeline is reentrant (steps are
/// immutable), per-route counters are atomic, deliveries live on their
/// queues' strands.
class route final : public connectors::ingress, public std::enable_shared_from_this<route> {
 public:
  struct target {
    std::string connector;
    std::shared_ptr<const message_expression> when;  ///< null = always
    config::node_ptr options;
    connectors::output* out = nullptr;                ///< owned by the hub
    std::shared_ptr<circuit_breaker> breaker;
    std::size_t concurrency = 64;                     ///< deliveries in flight at once
  };
  struct parts {
    std::shared_ptr<const message_expression> when;  ///< null = all messages
    std::vector<step_ptr> steps;
    std::vector<target> targets;
    std::shared_ptr<spool::route_spool> spool;       ///< accept mode only
    std::shared_ptr<dead_letter_sink> dlq;
    std::shared_ptr<const mapping_transform> reply_map;  ///< request-reply: applied to 2xx answers
    /// from.dedup: a message whose key was accepted within `window` is
    /// answered with the original id and not spooled again.
    struct dedup_rule {
      std::shared_ptr<spool::dedup_store> store;
      std::string header;                              ///< key from this header, or
      std::shared_ptr<const message_expression> key;   ///< from this expression
      std::chrono::milliseconds window{0};
    };
    std::optional<dedup_rule> dedup;
    std::shared_ptr<audit_trail> audit;  ///< null: no audit log
    std::string mapping;                 ///< map step name(s), for audit records
    std::string mapping_version;
  };

  route(boost::asio::io_context& io, const config::route_config& cfg, parts p,
        monitoring::catalogue& metrics);

  const std::string& name() const { return name_; }
  config::route_mode mode() const { return mode_; }
  /// Starts delivering, including what a previous run left in the spool.
  void start();
  void submit(message_ptr msg, connectors::ingest_handler done) override;
  /// Phase 1: new messages get 503; phase 2: `idle` once in-flight deliveries finished.
  void stop_accepting() { accepting_ = false; }
  void drain(std::function<void()> idle);
  void stop();
  /// Wakes the delivery queues (items handed back by a previous generation).
  void notify();

  /// A dead letter to put back to work, under the route's CURRENT config.
  struct replay_request {
    message_ptr msg;          ///< as stored in the DLQ (delivery failures: already mapped)
    message_ptr original;     ///< before the steps (delivery failures); null if unknown
    std::string target;       ///< failed output; empty = rejected at ingress
    bool remap = false;       ///< delivery failures: run the current steps on `original`
  };
  /// `target` empty (rejected at ingress: malformed, validation, mapping):
  /// the message runs through the current condition and steps again and is
  /// spooled for the matching outputs; a failure is returned, not
  /// dead-lettered a second time. `target` set (delivery failed): without
  /// `remap` the stored message is spooled again for that output as it is
  /// (`replay.no_target` if the route no longer has it); with `remap` the
  /// current condition and steps run on `original` (`replay.no_original` if
  /// it was not kept) and what the current config routes to that output is
  /// spooled for it alone — other outputs already had theirs. If the current
  /// config filters the message (`replay.filtered`) or sends it only to other
  /// outputs (`replay.not_routed`), nothing is spooled and the error says so,
  /// so the entry stays in the DLQ for the operator to decide. `done` runs
  /// once the message is durable in the spool (writer thread) or with the
  /// reason it was not taken. A forward route has no spool: it delivers at
  /// once and `done` runs when every output took it, or with the first
  /// failure.
  void replay(replay_request req, std::function<void(result<void>)> done);

 private:
  /// Each message the steps produced, with the targets whose `when` matched.
  struct pipeline_result {
    std::vector<std::pair<message_ptr, spool::target_mask>> routed;
    std::size_t produced = 0;  ///< messages the steps made (routed or not)
  };
  /// What the spool keeps as the original of the parts of `msg`: `msg` when
  /// the steps made one message (a replay can remap it), none for a split.
  static message_ptr original_of(const message_ptr& msg, const pipeline_result& r) {
    return r.produced == 1 ? msg : nullptr;
  }
  std::expected<std::vector<message_ptr>, step_failure> run_steps(const message_ptr& msg) const;
  /// The first step refuses malformed JSON of this content type itself
  /// (step::checks_json_body), so run_steps leaves the check to it.
  bool first_step_checks_json(std::string_view content_type) const;
  std::expected<pipeline_result, step_failure> route_message(const message_ptr& msg) const;
  /// The start of accept and forward: dedup, steps, targets. Answers `done`
  /// itself (a duplicate, a rejected or a filtered message) and returns none.
  std::optional<pipeline_result> take(const message_ptr& msg, connectors::ingest_handler& done);
  void accept(message_ptr msg, connectors::ingest_handler done);
  /// The end of `accept` once the spool answered: every part durable, or not.
  void stored(const message_ptr& original, std::span<const message_ptr> parts,
              connectors::ingest_handler& done);
  void store_failed(const message_ptr& original, const error& e,
                    connectors::ingest_handler& done);
  /// Answers duplicates itself (true); else may wrap `done` to confirm the key.
  bool deduplicate(const message_ptr& msg, connectors::ingest_handler& done);
  void request_reply(message_ptr msg, connectors::ingest_handler done);
  using routed_parts = std::vector<std::pair<message_ptr, spool::target_mask>>;
  /// A delivery of `deliver_now` that did not succeed.
  struct direct_failure {
    std::size_t target = 0;
    message_ptr part;
    connectors::delivery_result result;
  };
  using direct_handler = std::function<void(std::vector<direct_failure>)>;
  void forward(message_ptr msg, connectors::ingest_handler done);
  /// The end of `forward`: dead-letters permanent failures and answers.
  void forwarded(const message_ptr& msg, const message_ptr& original,
                 std::vector<direct_failure> failures, connectors::ingest_handler done);
  /// Sends every part to each of its targets now, without the spool; `done`
  /// runs once with the failures (none: every output has its part), on the
  /// thread of the output that answered last (or at once, on the caller's,
  /// when every target's circuit is open).
  void deliver_now(const routed_parts& routed, direct_handler done);
  /// Metrics, breaker and audit of one direct delivery's result.
  void count_direct(std::size_t target, const message& part, const connectors::delivery_result& r,
                    std::chrono::steady_clock::time_point started) const;
  void reject(message_ptr msg, const step_failure& f, connectors::ingest_handler done);
  void map_reply(const message& request, connectors::ingest_result& r) const;
  void finished_one();  // a request-reply call answered, or a forward delivered
  void audit(security::audit_event e, const message_ptr& original, const message_ptr& mapped,
             std::string_view outcome) const;
  void wait_for_calls(std::shared_ptr<boost::asio::steady_timer> timer,
                      std::function<void()> idle);

  boost::asio::io_context& io_;
  std::string name_;
  config::route_mode mode_;
  std::chrono::milliseconds timeout_;
  config::retry_policy retry_;
  bool ordered_;
  parts parts_;
  std::vector<std::shared_ptr<delivery_queue>> queues_;  // one per target (accept mode)
 public:
  /// The route's spool (null in request-reply and forward mode), for stats and replay.
  spool::route_spool* spool() const { return parts_.spool.get(); }
  /// Target index of output `connector`, or -1.
  int target_index(std::string_view connector) const;

 private:
  std::atomic<bool> accepting_{true};
  std::atomic<std::int64_t> in_flight_{0};

  prometheus::Counter& received_;
  prometheus::Counter& accepted_;
  prometheus::Counter& filtered_;
  prometheus::Counter& mapping_errors_;
  prometheus::Counter& mapped_;
  prometheus::Gauge& in_flight_gauge_;
  prometheus::Histogram& step_duration_;
  /// Per target, for request-reply and forward deliveries.
  std::vector<delivery_probes> direct_;
  prometheus::Histogram& end_to_end_;
  monitoring::catalogue& metrics_;
};

}  // namespace simpul::hub
