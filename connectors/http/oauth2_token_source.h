#pragma once

#include <utility>  // Boost 1.74 asio needs it first in C++23 mode

#include <atomic>
#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connectors/http/curl_engine.h"
#include "security/token_cache.h"

namespace simpul::http {

/// OAuth2 client-credentials settings of one `http_client` (RFC 6749 §4.4).
struct oauth2_settings {
  std::string token_url;
  std::string client_id;
  std::string client_secret;  ///< a secret: never logged
  std::string scope;          ///< optional, space-separated
  std::string audience;       ///< optional (Auth0/Keycloak-style `audience` parameter)
  bool basic_auth = true;     ///< client credentials as HTTP Basic (else in the form body)
  std::chrono::seconds refresh_margin{30};
  std::chrono::milliseconds timeout{10'000};
};

/// Fetches and caches the access token of one output, asynchronously on the
/// output's own curl engine (the engine is never blocked: a `get` that finds
/// no valid token queues its handler and at most one token request runs).
/// The caching policy (valid until `expires_in - refresh_margin`, one
/// refresher, `invalidate` after a 401) is security::token_cache.
///
/// Lifecycle: shared by the output and pending handlers. Threading: `get`
/// and `invalidate` from any thread; handlers run on the engine's strand or,
/// for a cached token, on the caller's thread.
class oauth2_token_source : public std::enable_shared_from_this<oauth2_token_source> {
 public:
  /// Why there is no token. `not_sent`: the token request was handed back
  /// by a draining engine before any byte of it was written (the sends
  /// waiting for it are not attempts either).
  struct token_error {
    std::string why;
    bool not_sent = false;
  };
  using token_result = std::expected<std::string, token_error>;  ///< token, or why not
  using token_handler = std::function<void(token_result)>;

  /// `tls` carries the TLS options (CA, client certificate) used for the
  /// token endpoint too; its url/method/headers/body are ignored.
  oauth2_token_source(oauth2_settings s, curl_request tls, std::shared_ptr<curl_engine> engine);

  void get(token_handler done);
  /// After a 401: forget `token` if it is still the cached one.
  void invalidate(const std::string& token) { cache_.invalidate(token); }
  /// Token requests sent so far (for tests and diagnostics).
  std::uint64_t fetches() const { return fetches_.load(); }

  /// application/x-www-form-urlencoded escaping (RFC 6749 Appendix B).
  static std::string form_escape(std::string_view v);

 private:
  void fetch();
  void on_response(curl_response res);
  void answer(const token_result& r);

  oauth2_settings s_;
  curl_request template_;
  std::shared_ptr<curl_engine> engine_;
  security::token_cache cache_;
  std::mutex mu_;
  std::vector<token_handler> waiters_;
  std::atomic<std::uint64_t> fetches_{0};
};

}  // namespace simpul::http
