#pragma once

#include <expected>
#include <string>
#include <utility>

namespace simpul::security {

/// An error as a value. `security/` is a leaf library, so it carries its own
/// small error type instead of `simpul::error`; the integrator converts with
/// `simpul::error{e.code, e.message}`. `code` is stable ("tls.cert_file",
/// "jwt.expired"); `message` never holds a secret, a key or personal data.
struct error {
  std::string code;
  std::string message;
};

template <class T>
using result = std::expected<T, error>;

inline std::unexpected<error> make_error(std::string code, std::string message) {
  return std::unexpected<error>(error{std::move(code), std::move(message)});
}

}  // namespace simpul::security
