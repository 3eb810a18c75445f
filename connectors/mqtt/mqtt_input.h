#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "connectors/connector.h"
#include "connectors/mqtt/mqtt_session.h"

namespace simpul::connectors::mqtt {

/// Subscribes to the topics of the routes bound to it and hands each message
/// to those routes.
///
/// Acknowledgement: Paho C 1.3 sends PUBACK/PUBREC itself when it reads the
/// PUBLISH, before any callback runs; it has no manual-ack mode. What this
/// input can and does hold is the *receive thread*: `on_message` (Paho's
/// thread, never an Asio thread) posts the message to the strand, then waits
/// until every matching route answered accepted/replied/rejected. While it
/// waits Paho reads nothing more, so the broker stops sending once its
/// in-flight window is full (back-pressure), and `unavailable` makes the same
/// message (same id) be offered again after `retry_after` instead of being
/// dropped. The window of loss is a crash of the process while one message is
/// between Paho and the hub (see README.md).
///
/// Threading: routes/subscriptions on the session strand; `deliver` on Paho's
/// receive thread. Ownership: the hub owns it; it owns its session.
class input final : public connectors::input {
 public:
  input(std::shared_ptr<session> s, std::string connector);
  ~input() override;

  result<void> bind(route_binding binding) override;
  result<void> start() override;
  void stop_accepting() override;
  void stop() override;
  bool ready() const override { return session_->connected(); }

 private:
  struct bound_route {
    std::string name;
    route_settings options;
    std::shared_ptr<ingress> sink;
  };

  void subscribe_all();                            // strand
  void deliver(const ::mqtt::const_message_ptr& m);  // Paho receive thread
  message_ptr to_message(const ::mqtt::message& m, const bound_route& r) const;
  bool hand_off(const message_ptr& msg, const bound_route& r);  // Paho receive thread

  std::shared_ptr<session> session_;
  std::string connector_;
  std::vector<bound_route> routes_;  // fixed after start()
  /// Where the receive thread waits for the hub; shared with the hub's
  /// `done` callbacks, which may outlive a wait.
  struct gate {
    std::mutex m;
    std::condition_variable cv;
    bool accepting = true;
  };
  std::shared_ptr<gate> gate_ = std::make_shared<gate>();
};

}  // namespace simpul::connectors::mqtt
