#include "connectors/mqtt/mqtt_input.h"

#include <algorithm>
#include <optional>

#include <boost/asio/post.hpp>

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

input::input(asio::io_context& io, settings s, probe p, std::string connector)
    : io_(io), settings_(std::move(s)), probe_(p), connector_(std::move(connector)) {}

input::~input() {
  if (client_) client_->stop();
}

result<void> input::bind(route_binding binding) {
  if (!binding.options) return make_error("mqtt.route", "route " + binding.route + " has no options");
  auto opts = read_route_settings(*binding.options);
  if (!opts) return std::unexpected(opts.error());
  routes_.push_back({binding.route, std::move(*opts), std::move(binding.sink)});
  return {};
}

result<void> input::start() {
  if (routes_.empty()) return make_error("mqtt.unbound", connector_ + ": no route uses this input");
  std::vector<subscription> topics;
  for (const auto& r : routes_) {
    for (const auto& t : r.options.topics) {
      auto same = std::find_if(topics.begin(), topics.end(), [&](const auto& x) { return x.filter == t.filter; });
      if (same == topics.end()) topics.push_back(t);
      else same->qos = std::max(same->qos, t.qos);
    }
  }
  client_ = std::make_shared<subscriber>(io_, settings_, std::move(topics), probe_);
  client_->on_message([this](subscriber::delivery d) { received(std::move(d)); });
  return client_->start();
}

void input::received(subscriber::delivery d) {
  if (stopping_) return;  // not acknowledged: the broker keeps it for the session
  const std::uint64_t id = next_job_++;
  job& j = jobs_[id];
  j.ticket = d.ticket;
  std::vector<std::pair<std::size_t, message_ptr>> offers;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    bool match = false;
    for (const auto& t : routes_[i].options.topics) match = match || topic_matches(t.filter, d.packet.topic);
    if (match) offers.emplace_back(i, to_message(d.packet, routes_[i]));
  }
  j.open = offers.size();
  if (offers.empty()) {  // overlapping filters of another client id cannot reach us; nothing to do
    client_->acknowledge(d.ticket);
    jobs_.erase(id);
    return;
  }
  for (auto& [route, msg] : offers) offer(id, route, std::move(msg));
}

void input::offer(std::uint64_t job_id, std::size_t route, message_ptr msg) {
  // `done` may come on any thread, even late: it touches only the client
  // (kept alive here), never the input, until it is back on the strand.
  routes_[route].sink->submit(msg, [this, c = client_, job_id, route, msg](ingest_result res) {
    asio::post(c->strand(), [this, job_id, route, msg, res = std::move(res)]() mutable {
      answered(job_id, route, std::move(msg), std::move(res));
    });
  });
}

void input::answered(std::uint64_t job_id, std::size_t route, message_ptr msg, ingest_result res) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return;
  if (res.state != ingest_result::status::unavailable) {  // accepted, replied, rejected
    if (--it->second.open == 0) {
      const std::uint64_t ticket = it->second.ticket;
      jobs_.erase(it);  // first: the ack may decode buffered messages, which add jobs
      client_->acknowledge_on_strand(ticket);  // answered() runs on the client's strand
    }
    return;
  }
  if (stopping_ || !client_->is_current(it->second.ticket)) {
    // Its connection is gone, so it can no longer be acknowledged: the
    // broker redelivers it, offering this copy again would only duplicate it.
    jobs_.erase(it);
    return;
  }
  auto retry = std::clamp<std::chrono::milliseconds>(
      std::chrono::duration_cast<std::chrono::milliseconds>(res.retry_after), std::chrono::milliseconds(100),
      std::chrono::milliseconds(5000));
  log_.debug("hub unavailable, offering the message again", {routes_[route].name, msg->id, msg->trace_id});
  auto timer = std::make_shared<asio::steady_timer>(client_->strand(), retry);
  std::erase_if(retry_timers_, [](const auto& w) { return w.expired(); });
  retry_timers_.push_back(timer);
  timer->async_wait([this, timer, job_id, route, msg](boost::system::error_code ec) {
    if (ec || stopping_) return;
    auto it = jobs_.find(job_id);
    if (it == jobs_.end()) return;
    if (!client_->is_current(it->second.ticket)) {
      jobs_.erase(it);  // see answered(): the broker redelivers it
      return;
    }
    offer(job_id, route, msg);
  });
}

message_ptr input::to_message(const codec::publish& m, const bound_route& r) const {
  auto msg = std::make_shared<message>();
  msg->id = make_message_id();
  msg->body = m.payload;
  msg->source = connector_;
  msg->route = r.name;
  msg->received_at = std::chrono::system_clock::now();
  msg->content_type = r.options.content_type;
  const std::string& topic = m.topic;
  msg->attributes.emplace_back("topic", topic);
  std::size_t start = 0;
  for (int i = 0;; ++i) {
    auto slash = topic.find('/', start);
    msg->attributes.emplace_back("topic_" + std::to_string(i), topic.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  msg->attributes.emplace_back("qos", std::to_string(m.qos));
  if (m.retain) msg->attributes.emplace_back("retained", "true");
  if (m.dup) msg->attributes.emplace_back("redelivered", "true");
  if (m.content_type) msg->content_type = *m.content_type;
  for (const auto& [k, v] : m.user_properties) msg->headers.add(k, v);
  if (auto tp = msg->headers.get("traceparent")) {
    if (auto id = trace_from_traceparent(*tp)) msg->trace_id = *id;
  }
  if (msg->trace_id.empty()) msg->trace_id = make_trace_id();
  if (auto key = msg->headers.get("idempotency-key")) msg->key = std::string(*key);
  return msg;
}

void input::stop_accepting() {
  if (!client_) return;
  client_->stop_reading();
  asio::post(client_->strand(), [this] {
    stopping_ = true;
    for (auto& w : retry_timers_) {
      if (auto t = w.lock()) t->cancel();
    }
    retry_timers_.clear();
    if (!jobs_.empty()) {
      log_.info(connector_ + ": " + std::to_string(jobs_.size()) +
                " message(s) still with the hub at shutdown; unanswered ones stay with the broker");
    }
  });
}

void input::stop() {
  stop_accepting();
  if (client_) client_->stop();
}

}  // namespace simpul::connectors::mqtt
