#include "connectors/mqtt/mqtt_input.h"

#include <optional>

#include <boost/asio/post.hpp>
#include <prometheus/counter.h>

#include "monitoring/log.h"

namespace simpul::connectors::mqtt {

namespace asio = boost::asio;

namespace {

const monitoring::logger log_{"mqtt"};

bool is_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

/// The trace id of a W3C `traceparent` ("00-<32 hex>-<16 hex>-<2 hex>").
std::optional<std::string> trace_from_traceparent(std::string_view tp) {
  if (tp.size() < 55 || tp[2] != '-' || tp[35] != '-') return std::nullopt;
  auto id = tp.substr(3, 32);
  if (!is_hex(id) || id == std::string(32, '0')) return std::nullopt;
  return std::string(id);
}

}  // namespace

input::input(std::shared_ptr<session> s, std::string connector)
    : session_(std::move(s)), connector_(std::move(connector)) {}

input::~input() { session_->stop(); }

result<void> input::bind(route_binding binding) {
  if (!binding.options) return make_error("mqtt.route", "route " + binding.route + " has no options");
  auto opts = read_route_settings(*binding.options);
  if (!opts) return std::unexpected(opts.error());
  routes_.push_back({binding.route, std::move(*opts), std::move(binding.sink)});
  return {};
}

result<void> input::start() {
  if (routes_.empty()) return make_error("mqtt.unbound", connector_ + ": no route uses this input");
  retry_timer_ = std::make_unique<asio::steady_timer>(session_->strand());
  session_->on_connected([this] { subscribe_all(); });
  session_->on_message([this](::mqtt::const_message_ptr m) { deliver(m); });
  return session_->start();
}

void input::subscribe_all() {
  // Re-subscribing after every reconnect is harmless with a persistent session
  // and required without one.
  for (const auto& r : routes_) {
    for (const auto& t : r.options.topics) {
      try {
        session_->client().subscribe(t.filter, t.qos);
      } catch (const std::exception& e) {
        log_.error("subscribe " + t.filter + " failed: " + e.what(), {r.name, {}, {}});
      }
    }
  }
}

void input::deliver(const ::mqtt::const_message_ptr& m) {
  if (!m) return;
  if (session_->metrics().messages_in) session_->metrics().messages_in->Increment();
  std::vector<pending> batch;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    bool match = false;
    for (const auto& t : routes_[i].options.topics) match = match || topic_matches(t.filter, m->get_topic());
    if (match) batch.push_back({to_message(*m, routes_[i]), i});
  }
  if (batch.empty()) return;
  asio::post(session_->strand(), [this, batch = std::move(batch)]() mutable {
    for (auto& p : batch) queue_.push_back(std::move(p));
    if (!paused_ && queue_.size() > session_->config().max_pending) {
      paused_ = true;
      log_.warn(connector_ + ": hub is behind, pausing the subscription");
      session_->pause();
    }
    pump();
  });
}

message_ptr input::to_message(const ::mqtt::message& m, const bound_route& r) const {
  auto msg = std::make_shared<message>();
  msg->id = make_message_id();
  msg->body = m.get_payload_str();
  msg->source = connector_;
  msg->route = r.name;
  msg->received_at = std::chrono::system_clock::now();
  msg->content_type = r.options.content_type;
  const std::string& topic = m.get_topic();
  msg->attributes.emplace_back("topic", topic);
  std::size_t start = 0;
  for (int i = 0;; ++i) {
    auto slash = topic.find('/', start);
    msg->attributes.emplace_back("topic_" + std::to_string(i), topic.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  msg->attributes.emplace_back("qos", std::to_string(m.get_qos()));
  if (m.is_retained()) msg->attributes.emplace_back("retained", "true");
  const MQTTProperties& props = m.get_properties().c_struct();
  for (int i = 0; i < props.count; ++i) {
    const MQTTProperty& p = props.array[i];
    auto text = [](const MQTTLenString& s) { return std::string(s.data ? s.data : "", s.data ? s.len : 0); };
    if (p.identifier == MQTTPROPERTY_CODE_CONTENT_TYPE) {
      msg->content_type = text(p.value.data);
    } else if (p.identifier == MQTTPROPERTY_CODE_USER_PROPERTY) {
      msg->headers.add(text(p.value.data), text(p.value.value));
    }
  }
  if (auto tp = msg->headers.get("traceparent")) {
    if (auto id = trace_from_traceparent(*tp)) msg->trace_id = *id;
  }
  if (msg->trace_id.empty()) msg->trace_id = make_trace_id();
  if (auto key = msg->headers.get("idempotency-key")) msg->key = std::string(*key);
  return msg;
}

void input::pump() {
  if (offering_ || stopping_) return;
  if (queue_.empty()) {
    if (paused_) {
      paused_ = false;
      session_->resume();
    }
    return;
  }
  offering_ = true;
  const pending& p = queue_.front();
  // `done` may come on any thread, even late: it touches only the session
  // (kept alive here), never the input, until it is back on the strand.
  routes_[p.route].sink->submit(p.msg, [this, s = session_](ingest_result res) {
    asio::post(s->strand(), [this, res = std::move(res)]() mutable { answered(std::move(res)); });
  });
}

void input::answered(ingest_result res) {
  offering_ = false;
  if (res.state != ingest_result::status::unavailable) {  // accepted, replied, rejected
    queue_.pop_front();
    pump();
    return;
  }
  auto retry = std::clamp<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(res.retry_after), std::chrono::milliseconds(100),
      std::chrono::milliseconds(5000));
  log_.debug("hub unavailable, offering the message again", {routes_[queue_.front().route].name,
                                                             queue_.front().msg->id, queue_.front().msg->trace_id});
  retry_timer_->expires_after(retry);
  retry_timer_->async_wait([this](boost::system::error_code ec) {
    if (!ec) pump();
  });
}

void input::stop_accepting() {
  asio::post(session_->strand(), [this] {
    stopping_ = true;
    if (retry_timer_) retry_timer_->cancel();
    if (!queue_.empty()) {
      log_.warn(connector_ + ": " + std::to_string(queue_.size()) + " received message(s) not handed to the hub at shutdown");
    }
    for (const auto& r : routes_) {
      for (const auto& t : r.options.topics) {
        try {
          // With a persistent session, unsubscribing would drop what the broker
          // queues for us; disconnecting in stop() is enough.
          if (session_->config().clean_session && session_->connected()) session_->client().unsubscribe(t.filter);
        } catch (const std::exception& e) {
          log_.debug(std::string("unsubscribe: ") + e.what());
        }
      }
    }
  });
}

void input::stop() {
  stop_accepting();
  session_->stop();
}

}  // namespace simpul::connectors::mqtt
