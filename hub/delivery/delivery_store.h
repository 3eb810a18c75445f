#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hub/error.h"
#include "hub/message.h"

namespace simpul::hub {

/// One message waiting for one of its route's targets.
struct delivery {
  std::uint64_t seq = 0;       ///< store-assigned handle, used to ack
  message_ptr msg;
  std::uint32_t target = 0;    ///< index into the route's `to:` list
  std::uint32_t attempt = 0;   ///< attempts made so far
  std::chrono::steady_clock::time_point first_failure{};
};

/// Where a route keeps the deliveries it accepted until an output confirms
/// them: the spool (durable) or memory (request-reply never uses a store).
/// Thread-safe. Completion callbacks run on the store's own thread: callers
/// post onto their strand.
class delivery_store {
 public:
  virtual ~delivery_store() = default;
  /// Makes `batch` durable per the route's policy, assigns `seq`, then calls
  /// `done` once. Fails fast with "spool.full" when the bounds are reached.
  virtual void append(std::vector<delivery> batch,
                      std::function<void(result<std::vector<delivery>>)> done) = 0;
  /// The delivery is finished (delivered or dead-lettered): forget it.
  virtual void ack(const delivery& d) = 0;
  /// Deliveries still pending from a previous run, in acceptance order.
  virtual std::vector<delivery> recover() = 0;
  virtual std::uint64_t depth() const = 0;
  virtual std::uint64_t bytes() const = 0;
  /// Would an append of `n` messages of `bytes` be refused right now?
  virtual bool full(std::uint64_t n, std::uint64_t bytes) const = 0;
};

/// A dead letter: a message the hub gave up on, with why.
struct dead_letter {
  message_ptr msg;
  std::string route;
  std::string connector;    ///< target output, empty when rejected at ingress
  std::string reason_code;  ///< bounded set: json.malformed, validate.schema, map.error,
                            ///< delivery.permanent, delivery.exhausted, route.unknown ...
  std::string reason;       ///< human text (masked)
  int last_status = 0;
  std::string last_response;  ///< truncated
  std::uint32_t attempts = 0;
  std::chrono::system_clock::time_point first_failure{};
};

/// The DLQ as the runtime sees it. `done` is called once the record is
/// durable (any thread).
class dead_letter_sink {
 public:
  virtual ~dead_letter_sink() = default;
  virtual void add(dead_letter letter, std::function<void(result<void>)> done) = 0;
};

}  // namespace simpul::hub
