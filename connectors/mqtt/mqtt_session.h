#pragma once

#include <utility>  // before Boost.Asio in C++23 mode

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <mqtt/async_client.h>

#include "connectors/mqtt/mqtt_settings.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace simpul::connectors::mqtt {

/// Counters of one connector (probe pattern: registered once, bumped on the
/// hot path). Null members when the hub gave no registry (tests).
struct probe {
  prometheus::Gauge* connected = nullptr;
  prometheus::Counter* reconnects = nullptr;
  prometheus::Counter* messages_in = nullptr;
  prometheus::Counter* messages_out = nullptr;
  /// Input: receipt of a PUBLISH → the hub's answer (spool durable) / → PUBACK
  /// written (later when an earlier message is still unanswered).
  prometheus::Histogram* answered = nullptr;
  prometheus::Histogram* acked = nullptr;
  static probe make(prometheus::Registry* registry, const std::string& connector);
};

/// One Paho client connection kept alive: connects, reconnects with
/// exponential backoff (our own loop, so a broker that is down at start is
/// retried too), and tells its owner when a (re)connection is up. Used by the
/// output only; the input has its own client (mqtt_subscriber.h) because
/// Paho cannot hold the PUBACK.
///
/// Threading: its state lives on `strand()`. Paho's threads only post onto
/// that strand, except `on_message`, which runs on Paho's receive thread.
/// Ownership: shared (kept alive by posted handlers); owned by one output.
/// Paho exceptions are caught here and never escape.
class session : public std::enable_shared_from_this<session> {
 public:
  using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

  session(boost::asio::io_context& io, settings s, std::string client_id, probe p);
  ~session();

  /// Handlers must be set before `start()`.
  void on_connected(std::function<void()> h) { on_connected_ = std::move(h); }
  void on_message(std::function<void(::mqtt::const_message_ptr)> h) { on_message_ = std::move(h); }

  /// Starts connecting (does not wait). Fails only on an invalid URL.
  result<void> start();
  /// Disconnects (waits up to a second for the DISCONNECT to go out). Main thread.
  void stop();

  /// Back-pressure (strand): disconnect on purpose / connect again.
  void pause();
  void resume();

  bool connected() const { return connected_.load(); }
  /// Publishes handed to Paho at a time at most (the output's window).
  static constexpr int kMaxInFlight = 1000;
  /// How many unacknowledged QoS 1/2 PUBLISHes we hand to Paho at a time:
  /// the broker's MQTT 5 Receive Maximum (CONNACK), capped at kMaxInFlight
  /// (also the 3.1.1 value, where the protocol has no such limit).
  int send_quota() const { return send_quota_.load(); }
  bool stopping() const { return stopping_.load(); }
  ::mqtt::async_client& client() { return *client_; }
  strand_type& strand() { return strand_; }
  const settings& config() const { return settings_; }
  const probe& metrics() const { return probe_; }

 private:
  class connect_listener;

  void connect();                  // strand
  void handle_connected();         // strand
  void handle_lost();              // strand
  void schedule_reconnect();       // strand

  settings settings_;
  std::string client_id_;
  probe probe_;
  strand_type strand_;
  boost::asio::steady_timer retry_timer_;
  std::unique_ptr<::mqtt::async_client> client_;
  std::unique_ptr<connect_listener> listener_;
  ::mqtt::connect_options options_;
  std::function<void()> on_connected_;
  std::function<void(::mqtt::const_message_ptr)> on_message_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int> send_quota_{kMaxInFlight};
  bool ever_connected_ = false;
  bool paused_ = false;  // strand
  std::chrono::milliseconds delay_;
};

}  // namespace simpul::connectors::mqtt
