#pragma once

#include <expected>
#include <string>
#include <utility>

namespace simpul {

/// An error as a value (STYLE: errors are values). `code` is stable and
/// machine-readable ("config.unknown_key", "http.timeout"); `message` is for
/// people and never holds a secret or unmasked personal data.
struct error {
  std::string code;
  std::string message;
};

template <class T>
using result = std::expected<T, error>;

inline std::unexpected<error> make_error(std::string code, std::string message) {
  return std::unexpected<error>(error{std::move(code), std::move(message)});
}

}  // namespace simpul
