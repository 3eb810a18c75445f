#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "connectors/connector.h"
#include "connectors/mqtt/mqtt_session.h"

namespace simpul::connectors::mqtt {

/// Subscribes to the topics of the routes bound to it and hands each message
/// to those routes, one at a time and in arrival order.
///
/// Acknowledgement: Paho C 1.3 sends PUBACK/PUBREC itself when it reads the
/// PUBLISH, before any callback runs; it has no manual-ack mode (see
/// README.md). Paho's callback thread only copies the message and posts it
/// to the strand (blocking it would block every Paho client in the process:
/// Paho holds a library-wide mutex around some callbacks). On the strand the
/// queue is offered to the hub; `unavailable` offers the same message (same
/// id) again after `retry_after`. When more than `max_pending` messages wait,
/// the client disconnects (the persistent session keeps the rest at the
/// broker) and reconnects once the queue drained: back-pressure to the broker.
///
/// Threading: all state on the session strand. Ownership: the hub owns it
/// and keeps it alive until the io_context finished.
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

  struct pending {
    message_ptr msg;
    std::size_t route;
  };

  void subscribe_all();                              // strand
  void deliver(const ::mqtt::const_message_ptr& m);  // Paho thread: copy and post
  message_ptr to_message(const ::mqtt::message& m, const bound_route& r) const;
  void pump();                                       // strand: offer the queue's front
  void answered(ingest_result res);                  // strand

  std::shared_ptr<session> session_;
  std::string connector_;
  std::vector<bound_route> routes_;  // fixed after start()
  std::deque<pending> queue_;        // strand
  bool offering_ = false;            // strand: the front is with the hub
  bool paused_ = false;              // strand: disconnected for back-pressure
  bool stopping_ = false;            // strand
  std::unique_ptr<boost::asio::steady_timer> retry_timer_;
};

}  // namespace simpul::connectors::mqtt
