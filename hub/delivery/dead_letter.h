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

/// A dead letter: a message the hub gave up on, with why.
struct dead_letter {
  message_ptr msg;
  message_ptr original;     ///< delivery failures: before the steps; null if unknown
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
