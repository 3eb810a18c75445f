#pragma once

#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hub/message.h"

namespace simpul::hub {

/// Why a step refused a message. The route answers `http_status` in
/// request-reply mode and dead-letters the message with `code`/`message`
/// in accept mode.
struct step_failure {
  std::string code;     ///< "validate.schema", "map.error", "json.malformed", ...
  std::string message;  ///< precise and masked: what and where
  int http_status = 422;
};

using step_output = std::expected<std::vector<message_ptr>, step_failure>;

/// One entry of a route's `steps:`. Immutable after construction and shared
/// by every thread that runs the route; `apply` is reentrant.
class step {
 public:
  virtual ~step() = default;
  virtual const char* kind() const = 0;
  /// Zero messages = dropped (filter), one = passed/changed, many = split.
  virtual step_output apply(const message_ptr& in) const = 0;
  /// True when apply() itself refuses a body of this JSON content type that
  /// is not well-formed JSON, with the route's check's verdicts and failures
  /// (check_json_body): a route whose first step this is leaves the check to
  /// it, and the body is parsed once instead of twice.
  virtual bool checks_json_body(std::string_view /*content_type*/) const { return false; }
};

using step_ptr = std::unique_ptr<const step>;

/// A copy of `in` with a new body (and content type), keeping id, key,
/// headers, trace id and attributes: the message is the same business item.
message_ptr with_body(const message& in, std::string body, std::string content_type);

}  // namespace simpul::hub
