#include "hub/delivery/delivery_queue.h"

#include <boost/asio/post.hpp>

#include "hub/delivery/backoff.h"
#include "monitoring/log.h"

namespace simpul::hub {

namespace asio = boost::asio;

namespace {
const monitoring::logger& log() {
  static const monitoring::logger l("delivery");
  return l;
}
}  // namespace

delivery_queue::delivery_queue(asio::io_context& io, target t, settings s,
                               spool::route_spool& spool, dead_letter_sink& dlq,
                               monitoring::catalogue& m)
    : strand_(asio::make_strand(io)),
      target_(std::move(t)),
      settings_(s),
      spool_(spool),
      dlq_(dlq),
      timer_(strand_),
      probes_(m, target_.route, target_.connector),
      end_to_end_(m.end_to_end.Add({{"route", target_.route}},
                                   monitoring::catalogue::latency_buckets())),
      in_flight_gauge_(
          m.queue_depth.Add({{"route", target_.route}, {"connector", target_.connector}})),
      metrics_(m) {}

void delivery_queue::notify() {
  asio::post(strand_, [self = shared_from_this()] { self->pump(); });
}

void delivery_queue::pump() {
  if (stopped_ || draining_) return;
  auto now = clock::now();
  restart_parked(now);
  while (in_flight_ + held_ < settings_.max_in_flight) {
    if (target_.breaker && !target_.breaker->allow(std::chrono::steady_clock::now())) {
      // Open circuit: leave the items in the spool and look again when it
      // lets a probe through.
      auto wait = target_.breaker->next_allowed(std::chrono::steady_clock::now()) -
                  std::chrono::steady_clock::now();
      arm_timer(now + std::chrono::duration_cast<clock::duration>(wait) +
                std::chrono::milliseconds(1));
      return;
    }
    // One at a time while the breaker is half-open (a probe), else a batch.
    std::size_t room = settings_.max_in_flight - in_flight_ - held_;
    if (target_.breaker && target_.breaker->probing()) room = 1;
    auto items = spool_.take(target_.index, room, now);
    if (items.empty()) {
      // A probe slot nobody used goes back to the breaker.
      if (target_.breaker) target_.breaker->cancel_probe();
      break;
    }
    for (auto& item : items) {
      const auto& key = item.msg->key;
      if (settings_.ordered && !key.empty()) {
        if (busy_keys_.contains(key)) {
          blocked_[key].push_back(std::move(item));
          ++held_;
          continue;
        }
        busy_keys_.insert(key);
      }
      start_one(std::move(item));
    }
  }
  // At capacity a finishing delivery pumps again: arming the timer for the
  // items still ready would fire at once and spin (a timerfd re-arm and an
  // epoll round per pump, ~2.6 per message under load).
  if (in_flight_ + held_ >= settings_.max_in_flight) return;
  if (auto next = spool_.next_ready_at(target_.index); next && *next > now) arm_timer(*next);
}

void delivery_queue::start_one(spool::spool_item item) {
  ++in_flight_;
  in_flight_gauge_.Increment();
  if (item.attempt > 0) probes_.retries.Increment();
  auto started = std::chrono::steady_clock::now();
  auto msg = item.msg;
  target_.out->send(msg, target_.options,
                    [self = shared_from_this(), item = std::move(item),
                     started](connectors::delivery_result r) mutable {
                      asio::post(self->strand_, [self, item = std::move(item), r = std::move(r),
                                                 started]() mutable {
                        self->on_result(std::move(item), std::move(r), started);
                      });
                    });
}

void delivery_queue::on_result(spool::spool_item item, connectors::delivery_result r,
                               std::chrono::steady_clock::time_point started) {
  auto steady_now = std::chrono::steady_clock::now();
  probes_.duration.Observe(std::chrono::duration<double>(steady_now - started).count());
  using outcome = connectors::delivery_result::outcome;
  if (r.state == outcome::delivered) {
    if (target_.breaker) target_.breaker->on_success();
    probes_.delivered.Increment();
    end_to_end_.Observe(
        std::chrono::duration<double>(clock::now() - item.msg->received_at).count());
    spool_.ack(item);
    if (log().enabled(monitoring::level::debug)) {
      log().debug("delivered to " + target_.connector + ": " + r.detail,
                  {target_.route, item.msg->id, item.msg->trace_id});
    }
    if (settings_.audit) {
      settings_.audit->message_event(security::audit_event::delivered, target_.route, nullptr,
                                     item.msg.get(), settings_.mapping, settings_.mapping_version,
                                     "ok " + target_.connector);
    }
    done_with(item);
  } else if (r.state == outcome::not_sent && (draining_ || stopped_)) {
    // The output stopped accepting (drain) and handed it back before writing
    // a byte: no attempt, no failure; it stays in the spool for the next run.
    // (Outside a drain a hand-back is taken as a retryable failure below, so
    // the queue cannot spin taking it again.)
    spool_.release(item);
    // Nothing was tried: a probe the breaker granted for it is free again.
    if (target_.breaker) target_.breaker->cancel_probe();
    probes_.handed_back.Increment();
    if (log().enabled(monitoring::level::debug)) {
      log().debug("not sent to " + target_.connector + " (draining): left in the spool",
                  {target_.route, item.msg->id, item.msg->trace_id});
    }
    done_with(item);
  } else if (r.state == outcome::permanent) {
    // The service answered: it is alive, the message is wrong.
    if (target_.breaker) target_.breaker->on_success();
    probes_.permanent.Increment();
    dead_letter(std::move(item), "delivery.permanent", r);
  } else {
    if (target_.breaker) target_.breaker->on_failure(steady_now);
    probes_.retryable.Increment();
    auto attempts = item.attempt + 1;
    if (stopped_) {
      spool_.release(item);  // shutting down: stays pending for the next run
      done_with(item);
    } else if (static_cast<int>(attempts) >= settings_.retry.max_attempts) {
      item.attempt = attempts;
      dead_letter(std::move(item), "delivery.exhausted", r);
    } else {
      std::uniform_real_distribution<double> u(0.0, 1.0);
      auto delay = backoff_delay(settings_.retry, attempts, r.retry_after, u(rng_));
      if (log().enabled(monitoring::level::debug)) {
        log().debug("attempt " + std::to_string(attempts) + " to " + target_.connector +
                        " failed, retrying: " + r.detail,
                    {target_.route, item.msg->id, item.msg->trace_id});
      }
      auto when = clock::now() + delay;
      if (settings_.ordered && !item.msg->key.empty() && !draining_) {
        // Keep the item and its key: the key's next messages wait behind it.
        spool_.count_attempt(item, when);
        item.attempt = attempts;
        --in_flight_;
        in_flight_gauge_.Decrement();
        ++held_;
        parked_.emplace(when, std::move(item));
        arm_timer(when);
      } else {
        spool_.retry_at(item, when);
        done_with(item);
      }
    }
  }
  pump();
  check_idle();
}

void delivery_queue::dead_letter(spool::spool_item item, std::string code,
                                 const connectors::delivery_result& r) {
  metrics_.dead_lettered.Add({{"route", target_.route}, {"reason", code}}).Increment();
  log().warn("dead-lettered (" + code + ") after " + std::to_string(item.attempt) +
                 " attempt(s) to " + target_.connector + ": " + r.detail,
             {target_.route, item.msg->id, item.msg->trace_id});
  if (settings_.audit) {
    settings_.audit->message_event(security::audit_event::dead_lettered, target_.route, nullptr,
                                   item.msg.get(), settings_.mapping, settings_.mapping_version,
                                   code);
  }
  hub::dead_letter letter;
  letter.msg = item.msg;
  // For a replay through a corrected mapping (one small read; dead letters are rare).
  if (auto original = spool_.original(item)) letter.original = std::move(*original);
  letter.route = target_.route;
  letter.connector = target_.connector;
  letter.reason_code = std::move(code);
  letter.reason = r.detail;
  letter.last_status = r.status;
  letter.last_response = r.response_body.substr(0, 4096);
  letter.attempts = item.attempt;
  letter.first_failure = clock::now();
  dlq_.add(std::move(letter), [self = shared_from_this(), item](result<void> stored) {
    asio::post(self->strand_, [self, item, ok = stored.has_value()] {
      // Only forget the item once the DLQ has it; if the DLQ write failed it
      // stays pending and is tried again later.
      if (ok) {
        self->spool_.ack(item);
      } else {
        self->spool_.retry_at(item, clock::now() + std::chrono::seconds(30));
      }
      self->done_with(item);
      self->pump();
      self->check_idle();
    });
  });
}

void delivery_queue::done_with(const spool::spool_item& item) {
  --in_flight_;
  in_flight_gauge_.Decrement();
  const auto& key = item.msg->key;
  if (!settings_.ordered || key.empty()) return;
  auto it = blocked_.find(key);
  if (it == blocked_.end() || it->second.empty()) {
    busy_keys_.erase(key);
    if (it != blocked_.end()) blocked_.erase(it);
    return;
  }
  if (stopped_ || draining_) {
    // Never tried: hand every waiting item of this key back to the spool.
    for (auto& i : it->second) spool_.release(i);
    held_ -= it->second.size();
    blocked_.erase(it);
    busy_keys_.erase(key);
    return;
  }
  auto next = std::move(it->second.front());
  it->second.pop_front();
  --held_;
  start_one(std::move(next));
}

void delivery_queue::restart_parked(clock::time_point now) {
  while (!parked_.empty() && parked_.begin()->first <= now) {
    if (target_.breaker && !target_.breaker->allow(std::chrono::steady_clock::now())) {
      auto wait = target_.breaker->next_allowed(std::chrono::steady_clock::now()) -
                  std::chrono::steady_clock::now();
      arm_timer(now + std::chrono::duration_cast<clock::duration>(wait) +
                std::chrono::milliseconds(1));
      return;
    }
    auto item = std::move(parked_.begin()->second);
    parked_.erase(parked_.begin());
    --held_;
    start_one(std::move(item));  // its key is still busy: it owns it
  }
  if (!parked_.empty()) arm_timer(parked_.begin()->first);
}

void delivery_queue::release_parked() {
  // Hand parked items back (ready at their retry time) and free their keys.
  for (auto& [when, item] : parked_) {
    spool_.release(item);
    busy_keys_.erase(item.msg->key);
  }
  held_ -= parked_.size();
  parked_.clear();
}

void delivery_queue::arm_timer(clock::time_point due) {
  if (due >= timer_due_) return;
  timer_due_ = due;
  timer_.expires_at(due);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;  // re-armed earlier or stopped
    self->timer_due_ = clock::time_point::max();
    self->pump();
  });
}

void delivery_queue::begin_drain(std::function<void()> idle) {
  asio::post(strand_, [self = shared_from_this(), idle = std::move(idle)]() mutable {
    self->draining_ = true;
    self->idle_ = std::move(idle);
    self->release_parked();
    // Items waiting behind a busy key were never tried: hand them back.
    for (auto& [key, items] : self->blocked_) {
      for (auto& i : items) self->spool_.release(i);
    }
    self->held_ = 0;
    self->blocked_.clear();
    self->check_idle();
  });
}

void delivery_queue::check_idle() {
  if (draining_ && in_flight_ == 0 && idle_) {
    auto cb = std::move(idle_);
    idle_ = nullptr;
    cb();
  }
}

void delivery_queue::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->timer_.cancel();
  });
}

}  // namespace simpul::hub
