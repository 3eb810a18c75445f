#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "connectors/connector.h"
#include "connectors/mqtt/mqtt_subscriber.h"

namespace simpul::connectors::mqtt {

/// Subscribes to the topics of the routes bound to it and hands each message
/// to the routes whose filters match.
///
/// Acknowledgement: a QoS 1/2 message is acknowledged to the broker (PUBACK /
/// PUBREC, sent by `subscriber` in receive order) only once every matching
/// route answered accepted, replied or rejected. `unavailable` offers the
/// same message (same id) again after `retry_after`. Messages are offered
/// concurrently, up to `max_pending` unacknowledged at a time; with the
/// window full the subscriber stops reading the socket (back-pressure).
/// A crash before the answer leaves the message unacknowledged: the broker
/// redelivers it to the persistent session.
///
/// Threading: all state on the subscriber's strand. Ownership: the hub owns
/// it and keeps it alive until the io_context finished.
class input final : public connectors::input {
 public:
  input(boost::asio::io_context& io, settings s, probe p, std::string connector);
  ~input() override;

  result<void> bind(route_binding binding) override;
  result<void> start() override;
  void stop_accepting() override;
  void stop() override;
  bool ready() const override { return client_ && client_->connected(); }

 private:
  struct bound_route {
    std::string name;
    route_settings options;
    std::shared_ptr<ingress> sink;
  };

  /// One received message waiting for the answers of its routes.
  struct job {
    std::uint64_t ticket = 0;
    std::size_t open = 0;  // routes that have not answered yet
  };

  void received(subscriber::delivery d);                       // strand
  void offer(std::uint64_t job_id, std::size_t route, message_ptr msg);  // strand
  void answered(std::uint64_t job_id, std::size_t route, message_ptr msg, ingest_result res);  // strand
  message_ptr to_message(const codec::publish& m, const bound_route& r) const;

  boost::asio::io_context& io_;
  settings settings_;
  probe probe_;
  std::string connector_;
  std::vector<bound_route> routes_;  // fixed after start()
  std::shared_ptr<subscriber> client_;
  std::unordered_map<std::uint64_t, job> jobs_;  // strand
  std::uint64_t next_job_ = 0;                    // strand
  bool stopping_ = false;                         // strand
  std::vector<std::weak_ptr<boost::asio::steady_timer>> retry_timers_;  // strand
};

}  // namespace simpul::connectors::mqtt
