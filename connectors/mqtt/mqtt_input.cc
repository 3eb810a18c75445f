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

input::~input() { stop(); }

result<void> input::bind(route_binding binding) {
  if (!binding.options) return make_error("mqtt.route", "route " + binding.route + " has no options");
  auto opts = read_route_settings(*binding.options);
  if (!opts) return std::unexpected(opts.error());
  routes_.push_back({binding.route, std::move(*opts), std::move(binding.sink)});
  return {};
}

result<void> input::start() {
  if (routes_.empty()) return make_error("mqtt.unbound", connector_ + ": no route uses this input");
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
  const std::string& topic = m->get_topic();
  for (const auto& r : routes_) {
    bool match = false;
    for (const auto& t : r.options.topics) match = match || topic_matches(t.filter, topic);
    if (!match) continue;
    if (!hand_off(to_message(*m, r), r)) return;  // shutting down
  }
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

bool input::hand_off(const message_ptr& msg, const bound_route& r) {
  using st = ingest_result::status;
  auto g = gate_;
  while (true) {
    auto answer = std::make_shared<std::optional<ingest_result>>();  // guarded by g->m
    asio::post(session_->strand(), [g, answer, msg, sink = r.sink] {
      sink->submit(msg, [g, answer](ingest_result res) {
        {
          std::lock_guard lock(g->m);
          *answer = std::move(res);
        }
        g->cv.notify_all();
      });
    });
    std::unique_lock lock(g->m);
    g->cv.wait_for(lock, session_->config().hand_off_timeout,
                   [&] { return answer->has_value() || !g->accepting; });
    if (*answer && (*answer)->state != st::unavailable) return true;  // accepted/replied/rejected
    if (!g->accepting) {
      log_.warn("shutdown while a message waited for the hub; it was not handed over",
                {r.name, msg->id, msg->trace_id});
      return false;
    }
    auto retry = std::chrono::milliseconds(200);
    if (*answer) {
      retry = std::clamp<std::chrono::milliseconds>(
          std::chrono::duration_cast<std::chrono::milliseconds>((*answer)->retry_after),
          std::chrono::milliseconds(100), std::chrono::milliseconds(5000));
    }
    log_.debug("hub unavailable, offering the message again", {r.name, msg->id, msg->trace_id});
    g->cv.wait_for(lock, retry, [&] { return !g->accepting; });
  }
}

void input::stop_accepting() {
  {
    std::lock_guard lock(gate_->m);
    gate_->accepting = false;
  }
  gate_->cv.notify_all();
  for (const auto& r : routes_) {
    for (const auto& t : r.options.topics) {
      try {
        // With a persistent session, unsubscribing would drop queued messages
        // at the broker; only stop taking new ones by disconnecting in stop().
        if (session_->config().clean_session && session_->connected()) {
          session_->client().unsubscribe(t.filter);
        }
      } catch (const std::exception& e) {
        log_.debug(std::string("unsubscribe: ") + e.what());
      }
    }
  }
}

void input::stop() {
  {
    std::lock_guard lock(gate_->m);
    gate_->accepting = false;
  }
  gate_->cv.notify_all();
  session_->stop();
}

}  // namespace simpul::connectors::mqtt
