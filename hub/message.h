#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace simpul {

/// Ordered header list; names compare case-insensitively (HTTP semantics).
class headers {
 public:
  using entry = std::pair<std::string, std::string>;

  void set(std::string name, std::string value);
  void add(std::string name, std::string value);
  std::optional<std::string_view> get(std::string_view name) const;
  void erase(std::string_view name);
  void reserve(std::size_t n) { entries_.reserve(n); }
  const std::vector<entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<entry> entries_;
};

/// The unit of work that crosses the hub.
///
/// Lifecycle: created by an input, owned through `message_ptr` (shared because
/// fan-out hands one message to several outputs); treated as immutable once
/// handed to the hub — a step that changes it makes a new message.
struct message {
  std::string id;             ///< unique, time-ordered (ULID text, 26 chars)
  std::string key;            ///< ordering / idempotency key; may be empty
  simpul::headers headers;    ///< transport headers (HTTP headers, MQTT 5 properties)
  std::string body;           ///< payload bytes
  std::string content_type;   ///< e.g. "application/json"
  std::string source;         ///< input connector name
  std::string route;          ///< route name, set when routed
  std::chrono::system_clock::time_point received_at{};
  std::string trace_id;       ///< W3C trace id (32 hex), generated when absent
  std::uint32_t attempt = 0;  ///< delivery attempts so far
  /// Input-specific attributes exposed to conditions and mappings, e.g.
  /// {"topic","pemkab/3204/sensor/air"}, {"topic_1","3204"}, {"file","x.csv"},
  /// {"path","/lapor"}.
  std::vector<std::pair<std::string, std::string>> attributes;

  std::optional<std::string_view> attribute(std::string_view name) const;
};

using message_ptr = std::shared_ptr<const message>;

/// A new unique, time-ordered id (ULID: 48-bit ms time + 80 random bits,
/// Crockford base32, monotonic within a millisecond). Thread-safe.
std::string make_message_id();

/// A new random W3C trace id (32 lowercase hex digits).
std::string make_trace_id();

/// Appends a new random W3C span id: 16 lowercase hex digits, never all zero.
void append_span_id(std::string& out);

}  // namespace simpul
