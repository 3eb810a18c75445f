#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hub/error.h"
#include "hub/message.h"

namespace simpul::connectors {

/// A small `{{name}}` template over a message, shared by outputs that name
/// things after the message (MQTT topics, file names). Parsed once at config
/// time; `render` is cheap and never fails (a missing attribute/header renders
/// as empty text).
///
/// Placeholders: `{{id}}`, `{{key}}`, `{{route}}`, `{{source}}`,
/// `{{trace_id}}`, `{{date}}` (UTC YYYY-MM-DD of received_at),
/// `{{time}}` (UTC HHMMSS), `{{attr.NAME}}`, `{{header.NAME}}`.
/// Text outside braces is copied verbatim.
class text_template {
 public:
  static result<text_template> parse(std::string_view text);

  /// `clean` is applied to every substituted value (not to literal text), so
  /// a value cannot inject e.g. `/` into a file name or `#` into a topic.
  std::string render(const message& msg, std::string (*clean)(std::string_view) = nullptr) const;

  const std::string& source() const { return source_; }

 private:
  enum class part_kind { literal, id, key, route, source, trace_id, date, time, attr, header };
  struct part {
    part_kind kind;
    std::string text;  ///< literal text or attribute/header name
  };
  std::string source_;
  std::vector<part> parts_;
};

}  // namespace simpul::connectors
