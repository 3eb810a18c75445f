#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "security/error.h"

namespace simpul::security {

/// Password hashes for HTTP Basic, PBKDF2-HMAC-SHA256:
///   `pbkdf2-sha256$<iterations>$<salt>$<hash>`
/// salt and hash are base64url without padding; the hash is 32 bytes.
/// Stateless and thread-safe. Verification is CPU-heavy by design: callers
/// on an I/O thread use `basic_auth`, which caches successful checks.
namespace password_hash {

inline constexpr std::uint32_t default_iterations = 210000;
inline constexpr std::uint32_t min_iterations = 1000;
inline constexpr std::uint32_t max_iterations = 10000000;

/// A new hash with a 16-byte random salt.
result<std::string> make(std::string_view password, std::uint32_t iterations = default_iterations);

struct parsed {
  std::uint32_t iterations = 0;
  std::string salt;
  std::string hash;
};
result<parsed> parse(std::string_view stored);

/// Constant-time comparison of the derived key (CRYPTO_memcmp).
bool verify(std::string_view password, const parsed& stored);
bool verify(std::string_view password, std::string_view stored);

}  // namespace password_hash
}  // namespace simpul::security
