#include "connectors/mqtt/mqtt_session.h"

#include <boost/asio/post.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "connectors/mqtt/nodelay.h"
#include "monitoring/log.h"

namespace simpul::connectors::mqtt {

namespace asio = boost::asio;

namespace {
const monitoring::logger log_{"mqtt"};
}  // namespace

probe probe::make(prometheus::Registry* registry, const std::string& connector) {
  probe p;
  if (registry == nullptr) return p;
  p.connected = &prometheus::BuildGauge()
                     .Name("simpul_mqtt_connected")
                     .Help("MQTT clients of this connector currently connected to the broker")
                     .Register(*registry)
                     .Add({{"connector", connector}});
  p.reconnects = &prometheus::BuildCounter()
                      .Name("simpul_mqtt_reconnects_total")
                      .Help("Reconnection attempts after a lost or failed MQTT connection")
                      .Register(*registry)
                      .Add({{"connector", connector}});
  auto& messages = prometheus::BuildCounter()
                       .Name("simpul_mqtt_messages_total")
                       .Help("MQTT messages received (in) and published (out)")
                       .Register(*registry);
  p.messages_in = &messages.Add({{"connector", connector}, {"direction", "in"}});
  p.messages_out = &messages.Add({{"connector", connector}, {"direction", "out"}});
  auto& ack = prometheus::BuildHistogram()
                  .Name("simpul_mqtt_ack_seconds")
                  .Help("Input: time from receiving a PUBLISH to the hub's answer (stage=answered) and to its PUBACK/PUBREC (stage=puback)")
                  .Register(*registry);
  const prometheus::Histogram::BucketBoundaries buckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                        0.01,   0.025,   0.05,   0.1,   0.25,   1};
  p.answered = &ack.Add({{"connector", connector}, {"stage", "answered"}}, buckets);
  p.acked = &ack.Add({{"connector", connector}, {"stage", "puback"}}, buckets);
  return p;
}

class session::connect_listener : public ::mqtt::iaction_listener {
 public:
  explicit connect_listener(std::weak_ptr<session> s) : session_(std::move(s)) {}
  void on_failure(const ::mqtt::token&) override {
    if (auto s = session_.lock()) asio::post(s->strand_, [s] { s->handle_lost(); });
  }
  void on_success(const ::mqtt::token& tok) override {
    // The connected handler reports success; here only the broker's Receive
    // Maximum is read (MQTT 5 CONNACK), before that handler is posted.
    auto s = session_.lock();
    if (!s || s->settings_.version != 5) return;
    try {
      auto props = tok.get_connect_response().get_properties();
      int quota = kMaxInFlight;  // absent: the protocol's 65535
      if (props.contains(::mqtt::property::RECEIVE_MAXIMUM)) {
        quota = std::min<int>(quota, ::mqtt::get<uint16_t>(props, ::mqtt::property::RECEIVE_MAXIMUM));
      }
      s->send_quota_ = std::max(quota, 1);
    } catch (const std::exception& e) {
      log_.debug(std::string("CONNACK properties: ") + e.what());
    }
  }

 private:
  std::weak_ptr<session> session_;
};

session::session(asio::io_context& io, settings s, std::string client_id, probe p)
    : settings_(std::move(s)),
      client_id_(std::move(client_id)),
      probe_(p),
      strand_(asio::make_strand(io)),
      retry_timer_(strand_),
      delay_(settings_.reconnect_min) {}

session::~session() {
  if (client_) {
    try {
      client_->disable_callbacks();
    } catch (...) {
    }
  }
}

result<void> session::start() {
  std::string url = settings_.url;
  if (url.starts_with("mqtt://")) url = "tcp://" + url.substr(7);
  if (url.starts_with("mqtts://")) url = "ssl://" + url.substr(8);
  try {
    ::mqtt::create_options create(settings_.version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
    // Paho's limit on publishes queued and not yet written (default 100)
    // applies while connected too and fails the publish with -12; the
    // output's window keeps at most kMaxInFlight with Paho.
    create.set_max_buffered_messages(4 * kMaxInFlight);
    client_ = std::make_unique<::mqtt::async_client>(url, client_id_, create, nullptr);

    options_.set_mqtt_version(settings_.version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
    if (settings_.version == 5) {
      options_.set_clean_start(settings_.clean_session);
      if (!settings_.clean_session) {
        // MQTT 5 ends a session on disconnect unless it has an expiry interval.
        ::mqtt::properties props;
        props.add(::mqtt::property(::mqtt::property::SESSION_EXPIRY_INTERVAL, 0x7FFFFFFF));
        options_.set_properties(props);
      }
    } else {
      options_.set_clean_session(settings_.clean_session);
    }
    options_.set_keep_alive_interval(static_cast<int>(settings_.keep_alive.count()));
    options_.set_connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(settings_.connect_timeout));
    options_.set_automatic_reconnect(false);  // our loop: also covers a broker down at start
    if (!settings_.username.empty()) options_.set_user_name(settings_.username);
    if (!settings_.password.empty()) options_.set_password(settings_.password);
    if (!settings_.will_topic.empty()) {
      ::mqtt::will_options will(settings_.will_topic, settings_.will_payload, settings_.will_qos,
                                settings_.will_retain);
      options_.set_will(will);
    }
    if (url.starts_with("ssl://")) {
      ::mqtt::ssl_options ssl;
      if (!settings_.ca_file.empty()) ssl.set_trust_store(settings_.ca_file);
      if (!settings_.cert_file.empty()) ssl.set_key_store(settings_.cert_file);
      if (!settings_.key_file.empty()) ssl.set_private_key(settings_.key_file);
      if (!settings_.key_password.empty()) ssl.set_private_key_password(settings_.key_password);
      ssl.set_enable_server_cert_auth(settings_.verify);
      ssl.set_verify(settings_.verify);
      options_.set_ssl(ssl);
    }

    std::weak_ptr<session> weak = shared_from_this();
    client_->set_connected_handler([weak](const std::string&) {
      if (auto s = weak.lock()) asio::post(s->strand_, [s] { s->handle_connected(); });
    });
    client_->set_connection_lost_handler([weak](const std::string&) {
      if (auto s = weak.lock()) asio::post(s->strand_, [s] { s->handle_lost(); });
    });
    client_->set_message_callback([weak](::mqtt::const_message_ptr m) {
      if (auto s = weak.lock(); s && s->on_message_) s->on_message_(std::move(m));
    });
    listener_ = std::make_unique<connect_listener>(weak);
  } catch (const std::exception& e) {
    return make_error("mqtt.client", std::string("cannot create MQTT client: ") + e.what());
  }
  asio::post(strand_, [self = shared_from_this()] { self->connect(); });
  return {};
}

void session::connect() {
  if (stopping_ || paused_) return;
  try {
    if (client_->is_connected()) {
      handle_connected();
      return;
    }
    client_->connect(options_, nullptr, *listener_);
  } catch (const std::exception& e) {
    log_.warn("connect to " + settings_.url + " failed: " + e.what());
    schedule_reconnect();
  }
}

void session::handle_connected() {
  if (stopping_ || connected_ || paused_) return;
  connected_ = true;
  delay_ = settings_.reconnect_min;
  if (probe_.connected) probe_.connected->Increment();
  set_nodelay_on_sockets_to(port_of(settings_.url));
  log_.info(client_id_ + " connected to " + settings_.url);
  ever_connected_ = true;
  if (on_connected_) on_connected_();
}

void session::handle_lost() {
  if (paused_) return;
  if (connected_) {
    connected_ = false;
    if (probe_.connected) probe_.connected->Decrement();
    log_.warn(client_id_ + " lost its connection to " + settings_.url);
  }
  if (!stopping_) schedule_reconnect();
}

void session::schedule_reconnect() {
  if (probe_.reconnects) probe_.reconnects->Increment();
  retry_timer_.expires_after(delay_);
  delay_ = std::min(delay_ * 2, settings_.reconnect_max);
  retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->connect();
  });
}

void session::pause() {
  paused_ = true;
  retry_timer_.cancel();
  if (connected_.exchange(false) && probe_.connected) probe_.connected->Decrement();
  try {
    client_->disconnect();
  } catch (const std::exception& e) {
    log_.debug(std::string("pause: ") + e.what());
  }
}

void session::resume() {
  if (!paused_) return;
  paused_ = false;
  // Through the backoff timer: the DISCONNECT of pause() may still be in
  // progress, and a connect issued under it can be swallowed.
  delay_ = settings_.reconnect_min;
  schedule_reconnect();
}

void session::stop() {
  if (stopping_.exchange(true)) return;
  asio::post(strand_, [self = shared_from_this()] { self->retry_timer_.cancel(); });
  if (!client_) return;
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(1));
  } catch (const std::exception& e) {
    log_.debug(std::string("disconnect: ") + e.what());
  }
  try {
    client_->disable_callbacks();  // the owner's handlers must not run after stop()
  } catch (...) {
  }
  if (connected_.exchange(false) && probe_.connected) probe_.connected->Decrement();
}

}  // namespace simpul::connectors::mqtt
