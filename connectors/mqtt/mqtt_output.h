#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "connectors/connector.h"
#include "connectors/mqtt/mqtt_session.h"
#include "connectors/options_cache.h"
#include "connectors/text_template.h"

namespace simpul::connectors::mqtt {

/// Publishes each message to a topic rendered from the route's `to:` options.
/// One `send` is one PUBLISH: `delivered` when the broker acknowledged it
/// (PUBACK/PUBCOMP; for QoS 0 when it was written), `retryable` when not
/// connected or on timeout, `permanent` for a bad topic template/options.
///
/// MQTT 5 user properties carry the message headers plus `idempotency-key`
/// (the message id, stable across retries) and `traceparent`.
///
/// In-flight window: at most `session::send_quota()` publishes (the broker's
/// MQTT 5 Receive Maximum; mosquitto announces its `max_inflight_messages`,
/// 20 by default) are handed to Paho at a time, the rest wait here in order
/// and go out from the acknowledgement callback of an earlier one. Paho C
/// 1.3.12 would queue them itself but wakes its send thread for them only
/// on a 1 s timeout (fixed upstream in paho.mqtt.c PR #1457, 1.3.14), which
/// stalled the output for 1-2 s whenever the window filled.
///
/// Threading: `send` from any thread; Paho's callbacks and the timeout timer
/// meet on the session strand. Ownership: the hub owns it.
class output final : public connectors::output {
 public:
  output(std::shared_ptr<session> s, std::string connector);
  ~output() override;

  void send(message_ptr msg, config::node_ptr route_options, delivery_handler done) override;
  result<void> start() override { return session_->start(); }
  void stop_accepting() override {}
  void stop() override { session_->stop(); }
  bool ready() const override { return session_->connected(); }

  struct route_options {
    text_template topic;
    int qos = 1;
    bool retain = false;
    std::chrono::milliseconds timeout{10000};
  };
  static result<route_options> read_options(const config::node& n);

  struct window;  ///< the in-flight window (mqtt_output.cc); public for Paho's listener

 private:
  result<std::shared_ptr<const route_options>> options_for(const config::node_ptr& n);

  std::shared_ptr<session> session_;
  std::shared_ptr<window> window_;
  std::string connector_;
  options_cache<route_options> cache_;  ///< parsed `to:` options per route
};

}  // namespace simpul::connectors::mqtt
