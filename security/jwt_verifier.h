#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "security/auth_reason.h"
#include "security/jwt_keys.h"

namespace simpul::security {

struct jwt_options {
  std::string issuer;                  ///< required `iss` when not empty
  std::vector<std::string> audiences;  ///< `aud` must name one of them when not empty
  std::chrono::seconds leeway{60};     ///< clock skew allowed on exp/nbf/iat
  bool require_exp = true;
  std::size_t max_token_size = 8192;   ///< bytes of the compact token
  std::string identity_claim = "sub";  ///< string claim that names the caller
};

/// What a verified token says about the caller.
struct jwt_claims {
  std::string identity;  ///< value of options.identity_claim
  std::string subject;
  std::string issuer;
  std::string kid;
  jwt_alg alg = jwt_alg::hs256;
  std::int64_t expires_at = 0;  ///< 0 when absent
};

/// Verifies compact JWS bearer tokens (RFC 7515/7519): HS256, RS256, ES256.
/// Rejects: alg none or any other alg; an alg the selected key does not
/// admit; unknown kid; headers with `crit`; non-canonical base64url;
/// duplicate top-level JSON members; tokens over max_token_size; bad
/// exp/nbf/iat/iss/aud; a missing identity claim.
///
/// Lifecycle: immutable after construction; share one per auth config.
/// Threading: `verify` is const and safe from any thread (OpenSSL 3 EVP
/// objects are created per call). Cost: one signature check, no I/O.
class jwt_verifier {
 public:
  jwt_verifier(std::shared_ptr<const jwt_key_set> keys, jwt_options opts)
      : keys_(std::move(keys)), opts_(std::move(opts)) {}

  std::expected<jwt_claims, auth_reason> verify(std::string_view token,
                                                std::chrono::system_clock::time_point now) const;
  std::expected<jwt_claims, auth_reason> verify(std::string_view token) const {
    return verify(token, std::chrono::system_clock::now());
  }

  /// "Bearer <token>" header value -> identity (the auth_result shape the
  /// ACL consumes).
  auth_result authenticate_header(std::string_view authorization) const;

 private:
  std::shared_ptr<const jwt_key_set> keys_;
  jwt_options opts_;
};

}  // namespace simpul::security
