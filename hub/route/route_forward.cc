// Forward mode: deliver at once, without the spool, and acknowledge the input
// only once every matching output has the message. The sender keeps the
// message until then (an MQTT broker holds an unacknowledged QoS 1 message
// and redelivers it; an HTTP caller gets 503 and retries), so the hub needs
// no disk of its own to lose nothing.

#include <bit>
#include <mutex>

#include "hub/route/route.h"
#include "monitoring/log.h"

namespace simpul::hub {

using connectors::delivery_result;
using connectors::ingest_result;
using status = connectors::ingest_result::status;
using outcome = connectors::delivery_result::outcome;

namespace {

const monitoring::logger& log() {
  static const monitoring::logger l("route");
  return l;
}

// The input keeps the message and offers it again after this long: the
// output's Retry-After if it sent one, else the route's first backoff; at
// most the route's longest backoff (a service's 'Retry-After: 86400' is not
// passed on to the sender as it is), at least a second (the unit inputs are
// told in).
std::chrono::seconds retry_delay(const delivery_result& r, const config::retry_policy& retry) {
  auto wait = std::min(std::max(r.retry_after, retry.initial_backoff), retry.max_backoff);
  return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(wait));
}

}  // namespace

void route::forward(message_ptr msg, connectors::ingest_handler done) {
  auto routed = take(msg, done);
  if (!routed) return;
  // What a remap replay of a dead letter maps again: as in accept mode, the
  // message when the steps made one part, none for a split.
  auto original = original_of(msg, *routed);
  deliver_now(routed->routed, [self = shared_from_this(), msg, original,
                               done = std::move(done)](std::vector<direct_failure> failures) mutable {
    self->forwarded(msg, original, std::move(failures), std::move(done));
  });
}

void route::forwarded(const message_ptr& msg, const message_ptr& original,
                      std::vector<direct_failure> failures, connectors::ingest_handler done) {
  // Any output that may take it later: the sender keeps the whole message
  // and offers it again (outputs that had theirs get it twice: at least once).
  for (const auto& f : failures) {
    if (f.result.state == outcome::permanent) continue;
    const auto& connector = parts_.targets[f.target].connector;
    ingest_result r;
    r.state = status::unavailable;
    r.http_status = 503;
    r.message_id = msg->id;
    bool unsent = f.result.state == outcome::not_sent;
    r.error_code = unsent ? "route.shutting_down" : "route.upstream";
    r.reason = "output '" + connector + "' did not take the message" +
               (f.result.detail.empty() ? std::string() : ": " + f.result.detail);
    r.retry_after = retry_delay(f.result, retry_);
    audit(security::audit_event::rejected, msg, nullptr, r.error_code);
    if (log().enabled(monitoring::level::debug)) {
      log().debug("not forwarded, the sender keeps it: " + r.reason, {name_, msg->id, msg->trace_id});
    }
    return done(std::move(r));
  }
  if (failures.empty()) {
    accepted_.Increment();
    audit(security::audit_event::accepted, msg, nullptr, "ok");
    return done(accepted_result(*msg));
  }
  // The outputs that refused their part for good: each part goes to the DLQ
  // (replayable), and the sender is answered once the DLQ has them all. If
  // one could not be recorded the sender offers the message again (the
  // recorded ones may then be recorded twice: never none).
  struct pending {
    std::atomic<std::size_t> left;
    std::atomic<bool> failed{false};
    connectors::ingest_handler done;
    message_ptr msg;
  };
  auto p = std::make_shared<pending>();
  p->left = failures.size();
  p->done = std::move(done);
  p->msg = msg;
  auto self = shared_from_this();
  for (auto& f : failures) {
    const auto& connector = parts_.targets[f.target].connector;
    dead_letter letter;
    letter.msg = f.part;
    letter.original = original;
    letter.route = name_;
    letter.connector = connector;
    letter.reason_code = "delivery.permanent";
    letter.reason = f.result.detail;
    letter.last_status = f.result.status;
    letter.last_response = f.result.response_body.substr(0, 4096);
    letter.attempts = 1;
    letter.first_failure = std::chrono::system_clock::now();
    parts_.dlq->add(std::move(letter), [p, self, part = f.part, connector,
                                        detail = f.result.detail](result<void> stored) {
      if (stored) {
        self->metrics_.dead_lettered.Add({{"route", self->name_}, {"reason", "delivery.permanent"}})
            .Increment();
        self->audit(security::audit_event::dead_lettered, nullptr, part, "delivery.permanent");
        log().warn("dead-lettered (delivery.permanent) by " + connector + ": " + detail,
                   {self->name_, part->id, part->trace_id});
      } else {
        p->failed = true;
      }
      if (p->left.fetch_sub(1) != 1) return;
      if (!p->failed) {
        self->accepted_.Increment();
        self->audit(security::audit_event::accepted, p->msg, nullptr, "ok");
        return p->done(accepted_result(*p->msg));
      }
      // Not recorded: do not acknowledge what we did not keep; the sender retries.
      ingest_result r;
      r.state = status::unavailable;
      r.http_status = 503;
      r.message_id = p->msg->id;
      r.error_code = "route.unavailable";
      r.reason = "dead-letter queue unavailable";
      r.retry_after = std::chrono::seconds(5);
      self->audit(security::audit_event::rejected, p->msg, nullptr, r.error_code);
      p->done(std::move(r));
    });
  }
}

void route::deliver_now(const routed_parts& routed, direct_handler done) {
  struct pending {
    std::atomic<std::size_t> left{0};
    std::mutex mu;
    std::vector<direct_failure> failures;
    direct_handler done;
  };
  auto p = std::make_shared<pending>();
  std::size_t sends = 0;
  for (const auto& [part, mask] : routed) sends += static_cast<std::size_t>(std::popcount(mask));
  p->left = sends;
  p->done = std::move(done);
  ++in_flight_;
  in_flight_gauge_.Increment();
  auto self = shared_from_this();
  auto finish = [p, self](std::size_t target, const message_ptr& part, delivery_result r) {
    if (r.state != outcome::delivered) {
      std::lock_guard lock(p->mu);
      p->failures.push_back({target, part, std::move(r)});
    }
    if (p->left.fetch_sub(1) != 1) return;
    self->finished_one();
    p->done(std::move(p->failures));
  };
  for (const auto& [part, mask] : routed) {
    for (auto bits = mask; bits; bits &= bits - 1) {
      const auto target = static_cast<std::size_t>(std::countr_zero(bits));
      const auto& t = parts_.targets[target];
      auto started = std::chrono::steady_clock::now();
      if (t.breaker && !t.breaker->allow(started)) {
        // Not tried: offered again when the breaker lets a probe through.
        delivery_result open;
        open.state = outcome::retryable;
        open.detail = "circuit open for output '" + t.connector + "'";
        open.retry_after = std::chrono::ceil<std::chrono::milliseconds>(
            t.breaker->next_allowed(started) - started);
        finish(target, part, std::move(open));
        continue;
      }
      t.out->send(part, t.options, [self, finish, target, part, started](delivery_result r) {
        self->count_direct(target, *part, r, started);
        finish(target, part, std::move(r));
      });
    }
  }
}

void route::count_direct(std::size_t target, const message& part, const delivery_result& r,
                         std::chrono::steady_clock::time_point started) const {
  const auto& probes = direct_[target];
  const auto& t = parts_.targets[target];
  auto now = std::chrono::steady_clock::now();
  probes.duration.Observe(std::chrono::duration<double>(now - started).count());
  switch (r.state) {
    case outcome::delivered:
      if (t.breaker) t.breaker->on_success();
      probes.delivered.Increment();
      end_to_end_.Observe(
          std::chrono::duration<double>(std::chrono::system_clock::now() - part.received_at).count());
      if (parts_.audit) {
        parts_.audit->message_event(security::audit_event::delivered, name_, nullptr, &part,
                                    parts_.mapping, parts_.mapping_version, "ok " + t.connector);
      }
      return;
    case outcome::permanent:
      if (t.breaker) t.breaker->on_success();  // it answered: alive, the message is wrong
      probes.permanent.Increment();
      return;
    case outcome::not_sent:
      // Nothing was tried: a probe the breaker granted for it is free again.
      if (t.breaker) t.breaker->cancel_probe();
      probes.handed_back.Increment();
      return;
    case outcome::retryable:
      if (t.breaker) t.breaker->on_failure(now);
      probes.retryable.Increment();
      return;
  }
}

}  // namespace simpul::hub
