#pragma once

#include <utility>  // Boost 1.74 asio needs it first in C++23 mode

#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/http/curl_engine.h"
#include "connectors/http/oauth2_token_source.h"
#include "connectors/http/plain_http_pool.h"
#include "security/request_signing.h"

namespace simpul::connectors {

/// Immutable settings of one `http_client` output (shared by its sends).
struct http_client_settings {
  std::string url;
  std::string method = "POST";
  std::vector<std::pair<std::string, std::string>> headers;  ///< values may be secrets
  std::chrono::milliseconds timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  bool tls_verify = true;
  std::string ca_file;
  std::string tls_server_name;   ///< pinned certificate name (instead of the URL host)
  std::string tls_cert_file;     ///< client certificate (mTLS)
  std::string tls_key_file;
  std::string tls_key_password;  ///< secret
  /// Outbound authentication (see README "Outbound authentication").
  enum class auth_kind { none, bearer, api_key, oauth2 };
  auth_kind auth = auth_kind::none;
  std::string bearer_token;      ///< secret
  std::string api_key_header = "X-API-Key";
  std::string api_key;           ///< secret
  http::oauth2_settings oauth2;
  /// HMAC request signing; null = off. Independent of `auth`.
  std::shared_ptr<const security::request_signer> signer;
  long max_connections = 8;
  std::string content_type;  ///< overrides the message's when set
  std::uint64_t max_response = 16 * 1024 * 1024;
};

/// The `http_client` output: one `send` is one HTTP request (no retries here;
/// the hub retries). Requests run concurrently on a shared libcurl multi
/// handle driven by Asio, reusing connections (up to `max_connections` per host);
/// plain http:// requests use a keep-alive Beast pool instead (`native()`).
///
/// Authentication (optional): a static bearer token or API-key header, an
/// OAuth2 client-credentials token (fetched asynchronously and cached; on a
/// 401 the token is dropped, a fresh one fetched and the request sent once
/// more), HMAC request signing (a fresh timestamp and signature per
/// attempt), and a client certificate.
///
/// Outcome: 2xx delivered (with the response, for request-reply routes);
/// 408, 429, 5xx, connection errors and timeouts retryable (with the server's
/// Retry-After); other statuses permanent.
///
/// Lifecycle: built by the factory, `start`, `send`..., `stop_accepting`
/// (sends waiting for a connection, and later ones, end as `not_sent`; the
/// ones on the wire finish), `stop` (in-flight requests end as retryable
/// "shutting down"). Owned by the hub. Threading:
/// `send` from any thread; handlers run on the engine's strand.
class http_client final : public output {
 public:
  http_client(std::shared_ptr<const http_client_settings> settings, context& ctx);
  ~http_client() override;

  result<void> start() override;
  /// Sends not yet written to a connection come back `not_sent` (see output).
  void stop_accepting() override;
  void stop() override;
  bool ready() const override;
  void send(message_ptr msg, config::node_ptr route_options, delivery_handler done) override;

  /// Turns one finished exchange into the hub's delivery outcome.
  static delivery_result classify(http::curl_response res);
  /// The request-target (path and query) of `url`, as signed: "/" when the
  /// URL has no path.
  static std::string request_target(std::string_view url);
  /// Token requests sent (0 without OAuth2) — for tests and diagnostics.
  std::uint64_t token_fetches() const { return oauth2_ ? oauth2_->fetches() : 0; }
  /// True when plain http:// requests bypass libcurl (see plain_http_pool).
  bool native() const { return pool_ != nullptr; }
  /// Connections the native path opened (0 without it) — for tests.
  std::size_t native_connections() const { return pool_ ? pool_->connections_opened() : 0; }

 private:
  std::shared_ptr<const http_client_settings> settings_;
  std::shared_ptr<http::curl_engine> engine_;
  std::shared_ptr<http::oauth2_token_source> oauth2_;  ///< null unless auth is oauth2
  /// Plain http:// without OAuth2 or a proxy from the environment: requests
  /// go through this keep-alive Beast pool instead of libcurl (~3x cheaper
  /// per request). Null otherwise; SIMPUL_HTTP_CLIENT=curl forces libcurl.
  std::shared_ptr<http::plain_http_pool> pool_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<bool> accepting_{true};
};

}  // namespace simpul::connectors
