#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "hub/error.h"

namespace simpul::connectors::mqtt::codec {

/// The MQTT 3.1.1 / 5 packets the subscribing client sends and receives
/// (OASIS MQTT 3.1.1 and 5.0, section 2 and 3). Pure functions: no I/O,
/// no allocation beyond the returned values. `version` is 4 (3.1.1) or 5.
///
/// Decoding is strict: every length is checked against the bytes present,
/// reserved flag bits must hold their fixed values, unknown properties and
/// trailing bytes are errors. A decode error means the broker (or something
/// in between) sent a malformed frame: the caller closes the connection.

inline constexpr std::size_t max_remaining_length = 268'435'455;  // 4-byte varint limit

enum class packet_type : std::uint8_t {
  connect = 1, connack = 2, publish = 3, puback = 4, pubrec = 5, pubrel = 6, pubcomp = 7,
  subscribe = 8, suback = 9, unsubscribe = 10, unsuback = 11, pingreq = 12, pingresp = 13,
  disconnect = 14, auth = 15,
};

struct connect_options {
  int version = 4;
  std::string client_id;
  bool clean = false;
  std::uint16_t keep_alive = 30;
  std::optional<std::uint32_t> session_expiry;  ///< MQTT 5 only
  std::uint16_t receive_maximum = 0;            ///< MQTT 5 only; 0 = not sent (65535)
  std::optional<std::string> username, password;
  std::string will_topic, will_payload;  ///< no will when the topic is empty
  int will_qos = 0;
  bool will_retain = false;
};

struct topic_request {
  std::string filter;
  int qos = 1;
};

struct connack {
  bool session_present = false;
  std::uint8_t code = 0;  ///< 0 = accepted (3.1.1 return code or 5 reason code)
  std::uint16_t server_keep_alive = 0;  ///< MQTT 5 property, 0 = none
  std::uint16_t receive_maximum = 0;
  std::string reason;
};

struct publish {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool dup = false;
  bool retain = false;
  std::uint16_t packet_id = 0;  ///< 0 for QoS 0
  std::optional<std::string> content_type;  ///< MQTT 5
  std::vector<std::pair<std::string, std::string>> user_properties;  ///< MQTT 5, in order
};

struct suback {
  std::uint16_t packet_id = 0;
  std::vector<std::uint8_t> codes;  ///< granted QoS 0..2, or >= 0x80 for a refused filter
};

/// PUBACK / PUBREC / PUBREL / PUBCOMP / UNSUBACK: a packet id and, in MQTT 5, a reason.
struct ack {
  packet_type type = packet_type::puback;
  std::uint16_t packet_id = 0;
  std::uint8_t reason = 0;
};

struct pingresp {};

struct disconnect {
  std::uint8_t reason = 0;
};

using packet = std::variant<connack, publish, suback, ack, pingresp, disconnect>;

/// Encoders (client → broker).
std::string encode_connect(const connect_options& o);
std::string encode_subscribe(int version, std::uint16_t packet_id, const std::vector<topic_request>& topics);
/// PUBACK, PUBREC, PUBCOMP (reason omitted = success, allowed in both versions).
std::string encode_ack(packet_type type, std::uint16_t packet_id);
std::string encode_pingreq();
std::string encode_disconnect();

/// Decodes one whole packet: `first` is the fixed header's first byte, `body`
/// exactly the remaining-length bytes that follow.
result<packet> decode(std::uint8_t first, std::string_view body, int version);

/// Splits a byte stream into packets. `feed` appends what was read;
/// `next` returns the next whole packet, nothing while one is incomplete, or
/// an error for a malformed frame (the stream is then unusable).
class decoder {
 public:
  explicit decoder(int version, std::size_t max_packet = max_remaining_length)
      : version_(version), max_packet_(max_packet) {}

  void feed(std::string_view bytes) { buffer_.append(bytes); }
  result<std::optional<packet>> next();
  std::size_t buffered() const { return buffer_.size() - start_; }
  void reset() {
    buffer_.clear();
    start_ = 0;
  }

 private:
  int version_;
  std::size_t max_packet_;
  std::string buffer_;
  std::size_t start_ = 0;  ///< bytes before it are consumed
};

}  // namespace simpul::connectors::mqtt::codec
