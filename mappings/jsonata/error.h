#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace simpul::mappings::jsonata {

/// A JSONata error: `code` as in the reference ("S0201", "T2001", "D3030",
/// "U1001"), a message for people, and where known the character position
/// in the expression and the offending token or value.
struct jsonata_error {
  std::string code;
  std::string message;
  std::int64_t position = -1;
  std::string token;
  std::optional<std::string> value;  // offending value rendered as JSON
  std::string function_name;         // the built-in that raised it, where the reference names one
};

/// Thrown inside the engine only; compile() and evaluate() turn it into a
/// returned jsonata_error, so it never crosses the public API. Unwinding is
/// how a deep evaluation stops cheaply at the first error.
struct jsonata_exception {
  jsonata_error error;
};

/// `detail2` is the second value of the messages that name two ({{value2}}).
[[noreturn]] void raise(std::string code, std::int64_t position = -1, std::string token = {},
                        std::string detail = {}, std::string detail2 = {});

/// The reference message text for `code`, with {{token}}, {{value}} and
/// {{value2}} filled in.
std::string error_message(const std::string& code, const std::string& token,
                          const std::string& value, const std::string& value2 = {});

}  // namespace simpul::mappings::jsonata
