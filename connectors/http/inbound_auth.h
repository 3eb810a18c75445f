#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/http/responder.h"
#include "hub/error.h"
#include "security/acl.h"
#include "security/api_keys.h"
#include "security/basic_auth.h"
#include "security/jwt_verifier.h"
#include "security/rate_limiter.h"

namespace simpul::http {

/// What an `http_server` input's `auth:` and `rate_limit:` blocks configure.
struct inbound_auth_settings {
  std::vector<security::api_keys::entry> api_keys;  ///< identity -> "sha256:<hex>"
  std::vector<security::basic_auth::user> basic;    ///< user -> "pbkdf2-sha256$..."
  /// JWT: at most one key source (JWKS file, PEM public key file, HMAC secret).
  std::string jwt_jwks_file;
  std::string jwt_public_key_file;
  std::string jwt_secret;
  security::jwt_options jwt;
  bool mtls = false;  ///< a verified client certificate is an identity
  /// route name -> identities allowed on it ("*" = any authenticated caller).
  std::map<std::string, std::vector<std::string>> allow;
  /// Per-client token bucket; rate <= 0 turns it off.
  security::rate_limiter::options rate_limit{0, 0, 10000};

  bool jwt_configured() const {
    return !jwt_jwks_file.empty() || !jwt_public_key_file.empty() || !jwt_secret.empty();
  }
  bool any_auth() const { return !api_keys.empty() || !basic.empty() || jwt_configured() || mtls; }
};

/// Client identity, per-route access and per-client rate limit of one
/// `http_server` input.
///
/// Credentials, first match wins: `Authorization: Bearer` (JWT),
/// `Authorization: Basic`, `X-API-Key` or `Authorization: ApiKey`, then the
/// verified client certificate (mTLS). A credential that is presented but
/// wrong is a 401 even when a certificate would have passed: a caller is
/// judged by what it claims to be. Without any auth configured every caller
/// is anonymous and only the rate limit (keyed by remote address) applies.
///
/// Lifecycle: built once from config when the input starts, immutable
/// afterwards (except the Basic cache and the rate buckets, both guarded).
/// Threading: `check` is safe from any thread. A Basic cache miss costs one
/// PBKDF2 run on the caller's thread (the session strand).
class inbound_auth {
 public:
  static result<std::shared_ptr<const inbound_auth>> make(inbound_auth_settings s);

  struct verdict {
    int status = 200;                  ///< 200, 401, 403 or 429
    security::auth_reason reason = security::auth_reason::anonymous;
    std::string identity;              ///< empty when anonymous or refused
    std::string scheme;                ///< "jwt", "basic", "api_key", "mtls", "" (anonymous)
    std::chrono::seconds retry_after{0};
    bool allowed() const { return status == 200; }
  };
  verdict check(std::string_view route, const inbound_request& req,
                std::chrono::steady_clock::time_point now) const;

  /// The `WWW-Authenticate` value for a 401 (one challenge per scheme).
  const std::string& challenge() const { return challenge_; }
  bool auth_required() const { return acl_.auth_required(); }

 private:
  security::auth_result authenticate(const inbound_request& req, std::string& scheme) const;

  std::optional<security::api_keys> api_keys_;
  std::unique_ptr<security::basic_auth> basic_;
  std::optional<security::jwt_verifier> jwt_;
  bool mtls_ = false;
  security::acl acl_;
  std::set<std::string, std::less<>> open_routes_;  ///< `allow: ["*"]`: any authenticated caller
  std::unique_ptr<security::rate_limiter> limiter_;
  std::string challenge_;
};

}  // namespace simpul::http
