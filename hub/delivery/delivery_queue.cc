#include "hub/delivery/delivery_queue.h"

#include <boost/asio/post.hpp>

#include "hub/delivery/backoff.h"

namespace simpul::hub {

namespace asio = boost::asio;

delivery_queue::delivery_queue(asio::io_context& io, target t, settings s, delivery_store& store,
                               dead_letter_sink& dlq, monitoring::catalogue& m,
                               finished_handler finished)
    : strand_(asio::make_strand(io)),
      target_(std::move(t)),
      settings_(s),
      store_(store),
      dlq_(dlq),
      finished_(std::move(finished)),
      timer_(strand_),
      delivered_(m.delivered.Add({{"route", target_.route}, {"connector", target_.connector}})),
      retryable_failures_(m.delivery_failures.Add(
          {{"route", target_.route}, {"connector", target_.connector}, {"kind", "retryable"}})),
      permanent_failures_(m.delivery_failures.Add(
          {{"route", target_.route}, {"connector", target_.connector}, {"kind", "permanent"}})),
      retries_(m.retries.Add({{"route", target_.route}, {"connector", target_.connector}})),
      duration_(m.delivery_duration.Add({{"route", target_.route}, {"connector", target_.connector}},
                                        monitoring::catalogue::latency_buckets())),
      end_to_end_(m.end_to_end.Add({{"route", target_.route}},
                                   monitoring::catalogue::latency_buckets())),
      queue_depth_(m.queue_depth.Add({{"route", target_.route}, {"connector", target_.connector}})),
      metrics_(m) {}

void delivery_queue::push(delivery d) {
  depth_.fetch_add(1, std::memory_order_relaxed);
  queue_depth_.Increment();
  asio::post(strand_, [self = shared_from_this(), d = std::move(d)]() mutable {
    self->enqueue(std::move(d));
    self->pump();
  });
}

void delivery_queue::enqueue(delivery d) {
  if (settings_.ordered && !d.msg->key.empty()) {
    if (busy_keys_.contains(d.msg->key)) {
      blocked_[d.msg->key].push_back(std::move(d));
      return;
    }
    busy_keys_.insert(d.msg->key);
  }
  ready_.push_back(std::move(d));
}

void delivery_queue::pump() {
  if (stopped_ || draining_) return;
  auto now = clock::now();
  // Retries that are due join the front of the line: they are older.
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    ready_.push_front(std::move(waiting_.begin()->second));
    waiting_.erase(waiting_.begin());
  }
  while (!ready_.empty() && in_flight_ < settings_.max_in_flight) {
    if (target_.breaker && !target_.breaker->allow(now)) {
      arm_timer(target_.breaker->next_allowed(now));
      break;
    }
    auto d = std::move(ready_.front());
    ready_.pop_front();
    start_one(std::move(d));
  }
  if (!waiting_.empty()) arm_timer(waiting_.begin()->first);
}

void delivery_queue::start_one(delivery d) {
  ++in_flight_;
  if (d.attempt > 0) retries_.Increment();
  auto started = clock::now();
  auto msg = d.msg;
  target_.out->send(msg, target_.options,
                    [self = shared_from_this(), d = std::move(d), started](
                        connectors::delivery_result r) mutable {
                      asio::post(self->strand_, [self, d = std::move(d), r = std::move(r),
                                                 started]() mutable {
                        self->on_result(std::move(d), std::move(r), started);
                      });
                    });
}

void delivery_queue::on_result(delivery d, connectors::delivery_result r,
                               clock::time_point started) {
  --in_flight_;
  ++d.attempt;
  auto now = clock::now();
  duration_.Observe(std::chrono::duration<double>(now - started).count());
  using outcome = connectors::delivery_result::outcome;
  if (r.state == outcome::delivered) {
    if (target_.breaker) target_.breaker->on_success();
    delivered_.Increment();
    end_to_end_.Observe(
        std::chrono::duration<double>(std::chrono::system_clock::now() - d.msg->received_at)
            .count());
    store_.ack(d);
    finish(d);
  } else if (r.state == outcome::permanent) {
    // The service answered: it is alive, the message is wrong.
    if (target_.breaker) target_.breaker->on_success();
    permanent_failures_.Increment();
    dead_letter(std::move(d), "delivery.permanent", r);
  } else {
    if (target_.breaker) target_.breaker->on_failure(now);
    retryable_failures_.Increment();
    if (d.attempt == 1) d.first_failure = now;
    if (static_cast<int>(d.attempt) >= settings_.retry.max_attempts || stopped_) {
      if (stopped_) {
        // Shutting down: not acked, so the delivery stays in the store for
        // the next run.
        finish(d);
      } else {
        dead_letter(std::move(d), "delivery.exhausted", r);
      }
    } else {
      std::uniform_real_distribution<double> u(0.0, 1.0);
      retry_later(std::move(d), backoff_delay(settings_.retry, d.attempt, r.retry_after, u(rng_)));
    }
  }
  pump();
  check_idle();
}

void delivery_queue::retry_later(delivery d, std::chrono::milliseconds delay) {
  auto due = clock::now() + delay;
  waiting_.emplace(due, std::move(d));
  arm_timer(due);
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

void delivery_queue::dead_letter(delivery d, std::string code,
                                 const connectors::delivery_result& r) {
  metrics_.dead_lettered.Add({{"route", target_.route}, {"reason", code}}).Increment();
  hub::dead_letter letter;
  letter.msg = d.msg;
  letter.route = target_.route;
  letter.connector = target_.connector;
  letter.reason_code = std::move(code);
  letter.reason = r.detail;
  letter.last_status = r.status;
  letter.last_response = r.response_body.substr(0, 4096);
  letter.attempts = d.attempt;
  letter.first_failure = std::chrono::system_clock::now();
  ++in_flight_;  // the DLQ write is still in flight for drain purposes
  dlq_.add(std::move(letter), [self = shared_from_this(), d](result<void> r) {
    asio::post(self->strand_, [self, d, ok = r.has_value()] {
      --self->in_flight_;
      // Only forget the delivery once the DLQ has it; if the DLQ write
      // failed the delivery stays in the store and is retried next run.
      if (ok) self->store_.ack(d);
      self->finish(d);
      self->check_idle();
    });
  });
}

void delivery_queue::finish(const delivery& d) {
  depth_.fetch_sub(1, std::memory_order_relaxed);
  queue_depth_.Decrement();
  if (settings_.ordered && !d.msg->key.empty()) {
    auto it = blocked_.find(d.msg->key);
    if (it == blocked_.end() || it->second.empty()) {
      busy_keys_.erase(d.msg->key);
      if (it != blocked_.end()) blocked_.erase(it);
    } else {
      ready_.push_back(std::move(it->second.front()));
      it->second.pop_front();
    }
  }
  if (finished_) finished_();
}

void delivery_queue::begin_drain(std::function<void()> idle) {
  asio::post(strand_, [self = shared_from_this(), idle = std::move(idle)]() mutable {
    self->draining_ = true;
    self->idle_ = std::move(idle);
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
