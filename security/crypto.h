#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "security/error.h"

// Thin, allocation-light wrappers over OpenSSL used by every block of the
// library: encodings, digests, MACs, constant-time compare and the last
// OpenSSL error as text. Stateless and thread-safe.
namespace simpul::security::crypto {

using bytes_view = std::span<const unsigned char>;
using sha256_digest = std::array<unsigned char, 32>;

inline bytes_view as_bytes(std::string_view s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

std::string to_hex(bytes_view b);
/// Lower- or upper-case hex; nullopt on odd length or a non-hex character.
std::optional<std::string> from_hex(std::string_view hex);

/// RFC 4648 section 5 without padding (JOSE). Decoding is strict: it rejects
/// padding, characters outside the alphabet and impossible lengths.
std::string base64url_encode(bytes_view b);
std::optional<std::string> base64url_decode(std::string_view s);
/// Standard alphabet with padding (HTTP Basic).
std::string base64_encode(bytes_view b);
std::optional<std::string> base64_decode(std::string_view s);

sha256_digest sha256(bytes_view data);
inline sha256_digest sha256(std::string_view s) { return sha256(as_bytes(s)); }
std::string sha256_hex(std::string_view s);

sha256_digest hmac_sha256(bytes_view key, bytes_view data);
inline sha256_digest hmac_sha256(std::string_view key, std::string_view data) {
  return hmac_sha256(as_bytes(key), as_bytes(data));
}

/// Constant-time equality (CRYPTO_memcmp); different lengths compare unequal
/// without looking at the content.
bool equal_ct(bytes_view a, bytes_view b);
inline bool equal_ct(std::string_view a, std::string_view b) {
  return equal_ct(as_bytes(a), as_bytes(b));
}

/// Cryptographically secure random bytes (RAND_bytes).
result<std::string> random_bytes(std::size_t n);

/// Drains OpenSSL's thread-local error queue into one line of text.
std::string last_openssl_error();

}  // namespace simpul::security::crypto
