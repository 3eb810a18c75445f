#include "connectors/mqtt/mqtt_output.h"

#include <atomic>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <prometheus/counter.h>

namespace simpul::connectors::mqtt {

namespace asio = boost::asio;

namespace {

/// Substituted values may not add levels or wildcards to a topic.
std::string clean_topic_value(std::string_view v) {
  std::string out(v);
  for (char& c : out) {
    if (c == '/' || c == '+' || c == '#' || c == '\0') c = '_';
  }
  return out;
}

/// A parent span id for `traceparent`: 16 hex digits derived from the
/// message id, so retries of one message carry the same one.
std::string span_id(const std::string& id) {
  std::uint64_t h = std::hash<std::string>{}(id) | 1;  // never all zero
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

/// Shared by Paho's listener and the timeout: whichever comes first answers.
struct pending {
  std::atomic<bool> answered{false};
  delivery_handler done;
  std::unique_ptr<asio::steady_timer> timer;
  void answer(delivery_result r) {
    if (!answered.exchange(true)) done(std::move(r));
  }
};

}  // namespace

/// The in-flight window (class comment). Shared with the Paho listeners,
/// which can outlive the output. A job publishes one message and returns
/// false when it did not reach Paho (already answered by its timeout).
struct output::window {
  using job = std::function<bool(std::uint64_t generation)>;

  explicit window(std::shared_ptr<session> s) : session_(std::move(s)) {}

  /// Runs `j` now when the window has room, else queues it (in order).
  void submit(job j) {
    std::unique_lock lock(mu_);
    if (!waiting_.empty() || in_flight_ >= session_->send_quota()) {
      waiting_.push_back(std::move(j));
      return;
    }
    ++in_flight_;
    const std::uint64_t gen = generation_;
    lock.unlock();
    if (!j(gen)) release(gen);
  }

  /// A publish of connection `gen` is finished (acknowledged or failed).
  void release(std::uint64_t gen) {
    {
      std::lock_guard lock(mu_);
      if (gen != generation_ || in_flight_ == 0) return;  // an older connection's
      --in_flight_;
    }
    pump();
  }

  /// A new connection: whatever Paho had in flight is its business now.
  void reset() {
    {
      std::lock_guard lock(mu_);
      ++generation_;
      in_flight_ = 0;
    }
    pump();
  }

 private:
  void pump() {
    for (;;) {
      job next;
      std::uint64_t gen;
      {
        std::lock_guard lock(mu_);
        if (waiting_.empty() || in_flight_ >= session_->send_quota()) return;
        next = std::move(waiting_.front());
        waiting_.pop_front();
        ++in_flight_;
        gen = generation_;
      }
      if (!next(gen)) {
        std::lock_guard lock(mu_);
        if (gen == generation_ && in_flight_ > 0) --in_flight_;
      }
    }
  }

  std::shared_ptr<session> session_;
  std::mutex mu_;
  std::uint64_t generation_ = 0;
  int in_flight_ = 0;
  std::deque<job> waiting_;
};

namespace {

/// Paho keeps a reference to its listener until the token completes, so the
/// listener owns itself and is deleted by the last callback.
class publish_listener final : public ::mqtt::iaction_listener {
 public:
  publish_listener(std::shared_ptr<pending> p, session::strand_type strand, std::shared_ptr<output::window> w,
                   std::uint64_t generation)
      : pending_(std::move(p)), strand_(std::move(strand)), window_(std::move(w)), generation_(generation) {}
  void on_success(const ::mqtt::token&) override { finish({}); }
  void on_failure(const ::mqtt::token& tok) override {
    delivery_result r;
    r.state = delivery_result::outcome::retryable;
    r.detail = "broker did not accept the publish (code " + std::to_string(tok.get_return_code()) + ")";
    finish(std::move(r));
  }

 private:
  void finish(delivery_result r) {
    // Answered here on Paho's thread (the hub's handler posts to its own
    // strand; `answer` is once-only against the timeout): one thread hop
    // less per message. Only the timer, an Asio object, needs the strand.
    pending_->answer(std::move(r));
    asio::post(strand_, [p = pending_] {
      if (p->timer) p->timer->cancel();
    });
    // The slot is free (Paho dropped the message from its outbound list
    // before this callback): the next waiting publish goes out from here.
    auto w = std::move(window_);
    const std::uint64_t gen = generation_;
    delete this;
    w->release(gen);
  }
  std::shared_ptr<pending> pending_;
  session::strand_type strand_;
  std::shared_ptr<output::window> window_;
  std::uint64_t generation_;
};

delivery_result retryable(std::string detail) {
  delivery_result r;
  r.state = delivery_result::outcome::retryable;
  r.detail = std::move(detail);
  return r;
}

}  // namespace

output::output(std::shared_ptr<session> s, std::string connector)
    : session_(std::move(s)), window_(std::make_shared<window>(session_)), connector_(std::move(connector)) {
  session_->on_connected([w = std::weak_ptr<window>(window_)] {
    if (auto locked = w.lock()) locked->reset();
  });
}

output::~output() { session_->stop(); }

result<output::route_options> output::read_options(const config::node& n) {
  auto topic = text_template::parse(n.get_string("topic"));
  if (!topic) return std::unexpected(topic.error());
  if (topic->source().empty()) return make_error("mqtt.topic", "topic is required");
  route_options o{std::move(*topic)};
  o.qos = static_cast<int>(n.get_int("qos", 1));
  if (o.qos < 0 || o.qos > 2) return make_error("mqtt.qos", "qos must be 0, 1 or 2");
  o.retain = n.get_bool("retain", false);
  o.timeout = n.get_duration("timeout", o.timeout);
  return o;
}

result<std::shared_ptr<const output::route_options>> output::options_for(const config::node_ptr& n) {
  return cache_.get(n, &output::read_options);
}

void output::send(message_ptr msg, config::node_ptr route_options, delivery_handler done) {
  auto opts = options_for(route_options);
  if (!opts) {
    delivery_result r;
    r.state = delivery_result::outcome::permanent;
    r.detail = opts.error().message;
    done(std::move(r));
    return;
  }
  if (!session_->connected()) {
    done(retryable("not connected to the MQTT broker"));
    return;
  }
  const auto& o = **opts;
  std::string topic = o.topic.render(*msg, clean_topic_value);
  if (topic.empty()) {
    delivery_result r;
    r.state = delivery_result::outcome::permanent;
    r.detail = "topic template rendered empty";
    done(std::move(r));
    return;
  }
  auto out = ::mqtt::message::create(topic, msg->body, o.qos, o.retain);
  if (session_->config().version == 5) {
    ::mqtt::properties props;
    for (const auto& [name, value] : msg->headers.entries()) {
      props.add(::mqtt::property(::mqtt::property::USER_PROPERTY, name, value));
    }
    props.add(::mqtt::property(::mqtt::property::USER_PROPERTY, "idempotency-key", msg->id));
    if (!msg->trace_id.empty()) {
      props.add(::mqtt::property(::mqtt::property::USER_PROPERTY, "traceparent",
                                 "00-" + msg->trace_id + "-" + span_id(msg->id) + "-01"));
    }
    if (!msg->content_type.empty()) {
      props.add(::mqtt::property(::mqtt::property::CONTENT_TYPE, msg->content_type));
    }
    out->set_properties(props);
  }

  auto p = std::make_shared<pending>();
  p->done = std::move(done);
  p->timer = std::make_unique<asio::steady_timer>(session_->strand());
  p->timer->expires_after(o.timeout);
  p->timer->async_wait([p](boost::system::error_code ec) {
    if (!ec) p->answer(retryable("no acknowledgement from the broker in time"));
  });
  window_->submit([s = session_, w = std::weak_ptr<window>(window_), out = std::move(out), p](std::uint64_t gen) {
    auto win = w.lock();
    if (!win || p->answered) return false;  // timed out while waiting for a slot
    auto* listener = new publish_listener(p, s->strand(), std::move(win), gen);
    try {
      s->client().publish(out, nullptr, *listener);
      if (s->metrics().messages_out) s->metrics().messages_out->Increment();
      return true;
    } catch (const std::exception& e) {
      delete listener;
      asio::post(s->strand(), [p, detail = std::string("publish failed: ") + e.what()] {
        p->timer->cancel();
        p->answer(retryable(detail));
      });
      return false;
    }
  });
}

}  // namespace simpul::connectors::mqtt
