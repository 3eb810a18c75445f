#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace simpul::security {

/// Why a request was (not) authenticated or authorised. A bounded set, so it
/// can label a metric (`simpul_auth_total{reason=...}`); never carries the
/// presented credential.
enum class auth_reason : std::uint8_t {
  ok,
  anonymous,              ///< no authentication configured: allowed, no identity
  no_credentials,         ///< 401: nothing presented
  malformed_credentials,  ///< 401: header/token does not parse (bad base64, bad JSON...)
  unknown_credentials,    ///< 401: unknown API key or user
  bad_secret,             ///< 401: wrong password
  bad_signature,          ///< 401: JWT signature does not verify
  unsupported_algorithm,  ///< 401: alg none/unknown, or alg not allowed for the key
  unknown_key,            ///< 401: no key for the token's kid
  token_too_large,        ///< 401: over the configured size
  expired,                ///< 401: exp passed (beyond leeway)
  not_yet_valid,          ///< 401: nbf/iat in the future (beyond leeway)
  wrong_issuer,           ///< 401
  wrong_audience,         ///< 401
  missing_identity,       ///< 401: identity claim absent
  forbidden,              ///< 403: authenticated identity not allowed on the route
};

std::string_view to_string(auth_reason r);

/// 200 for ok/anonymous, 403 for forbidden, 401 otherwise.
int http_status(auth_reason r);

/// What an authenticator returns: the identity name, or why not.
using auth_result = std::expected<std::string, auth_reason>;

}  // namespace simpul::security
