#pragma once

#include <utility>  // before Boost.Asio in C++23 mode

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "connectors/mqtt/mqtt_codec.h"
#include "connectors/mqtt/mqtt_session.h"
#include "connectors/mqtt/mqtt_settings.h"
#include "security/tls_context.h"

namespace simpul::connectors::mqtt {

/// The receiving MQTT client of the input, on Boost.Asio (TCP or TLS).
///
/// Why not Paho: Paho C 1.3.12 sends PUBACK/PUBREC inside its receive loop
/// before any callback runs and has no manual-ack mode, so a crash between
/// receipt and hand-off lost messages (README "Acknowledgement"). This client
/// sends the PUBACK (QoS 1) / PUBREC (QoS 2) only when its owner calls
/// `acknowledge()` for the message, i.e. when the hub answered.
///
/// Acks go out in receive order (MQTT 4.6: QoS 1 PUBACKs in the order the
/// PUBLISHes came), so a message the hub answered early waits for the ones
/// before it. At most `max_pending` received messages are unacknowledged at
/// a time: with the window full the client stops reading the socket (TCP
/// back-pressure to the broker) and, on MQTT 5, announces the same number
/// as its Receive Maximum.
///
/// A lost connection forgets the unacknowledged messages: the broker
/// redelivers them (persistent session), acknowledgements for them that come
/// later are ignored. Reconnects use exponential backoff and re-subscribe.
///
/// Threading: all state lives on `strand()`; `acknowledge`, `start`,
/// `stop_reading` and `stop` may be called from any thread. Handlers run on
/// the strand. Ownership: shared (posted handlers keep it alive).
class subscriber : public std::enable_shared_from_this<subscriber> {
 public:
  using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

  /// One received PUBLISH; `ticket` names it for `acknowledge`.
  struct delivery {
    std::uint64_t ticket = 0;
    codec::publish packet;
  };

  subscriber(boost::asio::io_context& io, settings s, std::vector<subscription> topics, probe p);
  ~subscriber();

  /// Must be set before `start()`; runs on the strand.
  void on_message(std::function<void(delivery)> h) { on_message_ = std::move(h); }

  /// Checks the URL and TLS files, then starts connecting (does not wait).
  result<void> start();
  /// The hub answered for this message (accepted, replied or rejected).
  void acknowledge(std::uint64_t ticket);
  /// The same, for a caller already on `strand()` (no extra post).
  void acknowledge_on_strand(std::uint64_t ticket);
  /// Stops taking new messages in (shutdown phase 1); acks still go out.
  void stop_reading();
  /// Sends DISCONNECT and closes (waits up to a second when the io_context runs).
  void stop();

  /// Strand only: the ticket's connection is still up (its ack can still go out).
  bool is_current(std::uint64_t ticket) const;
  bool connected() const { return connected_.load(); }
  strand_type& strand() { return strand_; }
  const settings& config() const { return settings_; }
  const probe& metrics() const { return probe_; }

 private:
  using tcp = boost::asio::ip::tcp;
  struct unacked {
    std::uint16_t packet_id = 0;
    int qos = 0;
    bool answered = false;
    std::chrono::steady_clock::time_point received;  // for the ack-latency histograms
  };

  void connect();                                        // strand
  void on_transport_ready();                             // strand: TCP (+TLS) up
  void read();                                           // strand
  void process();                                        // strand: decode buffered packets
  void handle(codec::packet&& p);                        // strand
  void handle_connack(const codec::connack& c);          // strand
  void handle_publish(codec::publish&& m);               // strand
  void release_acks();                                   // strand
  void send(std::string bytes);                          // strand
  void write_next();                                     // strand
  void keep_alive_tick();                                // strand
  void fail(const std::string& why);                     // strand: close, reconnect later
  void close_transport();                                // strand
  void schedule_reconnect();                             // strand
  bool window_full() const { return unacked_.size() >= settings_.max_pending; }

  settings settings_;
  std::vector<subscription> topics_;
  probe probe_;
  strand_type strand_;
  std::string host_, port_;
  bool tls_ = false;
  std::optional<security::tls_context> tls_context_;
  tcp::resolver resolver_;
  std::unique_ptr<tcp::socket> socket_;
  std::unique_ptr<boost::asio::ssl::stream<tcp::socket>> ssl_;
  boost::asio::steady_timer retry_timer_, ping_timer_, connect_timer_;
  std::function<void(delivery)> on_message_;
  codec::decoder decoder_;
  std::string read_buf_;
  std::deque<std::string> writes_;
  bool writing_ = false;
  bool reading_ = false;        // an async read is outstanding
  bool up_ = false;             // CONNACK accepted on the current connection
  bool stop_reading_ = false;
  bool stopping_ = false;
  bool awaiting_pingresp_ = false;
  std::uint64_t generation_ = 0;  // bumped on every new connection
  std::uint64_t first_seq_ = 0;   // sequence number of unacked_.front()
  std::deque<unacked> unacked_;
  std::uint16_t next_packet_id_ = 1;
  std::chrono::milliseconds delay_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> stop_called_{false};  // stop() waits only the first time
};

}  // namespace simpul::connectors::mqtt
