#include "connectors/http/http_client.h"

#include <cstdlib>

#include <curl/curl.h>

#include "connectors/http/http_util.h"

namespace simpul::connectors {

namespace {

using settings_ptr = std::shared_ptr<const http_client_settings>;

void add_tls(const http_client_settings& s, http::curl_request& req) {
  req.tls_verify = s.tls_verify;
  req.ca_file = s.ca_file;
  req.pinned_host = s.tls_server_name;
  req.cert_file = s.tls_cert_file;
  req.key_file = s.tls_key_file;
  req.key_password = s.tls_key_password;
}

bool env_set(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0';
}

/// Whether libcurl would send plain http:// through a proxy from the
/// environment (it reads http_proxy and all_proxy; never HTTP_PROXY).
bool proxy_from_environment() {
  return env_set("http_proxy") || env_set("all_proxy") || env_set("ALL_PROXY");
}

/// Signs (when configured) at the moment of sending, then performs: on the
/// native pool when there is one and the URL is plain http, else on libcurl.
void perform_signed(const settings_ptr& s, const std::shared_ptr<http::curl_engine>& engine,
                    http::curl_request req, http::curl_handler done,
                    const std::shared_ptr<http::plain_http_pool>& pool = nullptr) {
  if (s->signer) {
    auto target = http_client::request_target(req.url);
    for (auto& [k, v] : s->signer->sign(req.method, target, req.body,
                                        std::chrono::system_clock::now())) {
      req.headers.push_back(k + ": " + v);
    }
  }
  if (pool) {
    if (auto url = http::parse_plain_url(req.url); url && pool->serves(*url)) {
      return pool->perform(std::move(req), std::move(*url), std::move(done));
    }
  }
  engine->perform(std::move(req), std::move(done));
}

delivery_result token_failure(const http::oauth2_token_source::token_error& e) {
  // The message is fine; the credentials or the token service are not:
  // keep it for a later attempt (the retry policy bounds this). A token
  // request handed back by a drain hands back the send waiting for it.
  delivery_result r;
  r.state = e.not_sent ? delivery_result::outcome::not_sent : delivery_result::outcome::retryable;
  r.detail = e.why;
  return r;
}

/// One attempt with a bearer token from `tokens`; a 401 on the first try
/// drops that token and repeats once with a freshly fetched one.
void send_with_token(settings_ptr s, std::shared_ptr<http::curl_engine> engine,
                     std::shared_ptr<http::oauth2_token_source> tokens, http::curl_request req,
                     delivery_handler done, bool second) {
  auto src = tokens;
  src->get([s = std::move(s), engine = std::move(engine), tokens = std::move(tokens),
            req = std::move(req), done = std::move(done),
            second](http::oauth2_token_source::token_result token) mutable {
    if (!token) return done(token_failure(token.error()));
    auto attempt = req;
    attempt.headers.push_back("Authorization: Bearer " + *token);
    auto e = engine;
    perform_signed(s, e, std::move(attempt),
                   [s, engine, tokens, req = std::move(req), done = std::move(done), second,
                    used = std::move(*token)](http::curl_response res) mutable {
                     if (res.curl_code == 0 && res.status == 401 && !second) {
                       tokens->invalidate(used);
                       return send_with_token(std::move(s), std::move(engine), std::move(tokens),
                                              std::move(req), std::move(done), true);
                     }
                     done(http_client::classify(std::move(res)));
                   });
  });
}

}  // namespace

http_client::http_client(std::shared_ptr<const http_client_settings> settings, context& ctx)
    : settings_(std::move(settings)),
      engine_(http::curl_engine::create(ctx.io,
                                        {.max_host_connections = settings_->max_connections})) {
  if (settings_->auth == http_client_settings::auth_kind::oauth2) {
    http::curl_request tls;
    add_tls(*settings_, tls);
    tls.connect_timeout = settings_->connect_timeout;
    oauth2_ = std::make_shared<http::oauth2_token_source>(settings_->oauth2, std::move(tls),
                                                          engine_);
  }
  const char* force = std::getenv("SIMPUL_HTTP_CLIENT");
  bool curl_forced = force != nullptr && std::string_view(force) == "curl";
  if (!oauth2_ && !curl_forced && !proxy_from_environment()) {
    if (auto url = http::parse_plain_url(settings_->url)) {
      pool_ = http::plain_http_pool::create(
          ctx.io, {.host = url->host,
                   .port = url->port,
                   .max_connections = static_cast<std::size_t>(settings_->max_connections),
                   .connect_timeout = settings_->connect_timeout});
    }
  }
}

std::string http_client::request_target(std::string_view url) {
  auto scheme = url.find("://");
  auto rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  auto slash = rest.find_first_of("/?#");
  if (slash == std::string_view::npos) return "/";
  auto target = rest.substr(slash);
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (target.empty() || target.front() != '/') return "/" + std::string(target);
  return std::string(target);
}

http_client::~http_client() {
  engine_->shutdown();
  if (pool_) pool_->shutdown();
}

result<void> http_client::start() {
  started_ = true;
  return {};
}

void http_client::stop_accepting() {
  if (!accepting_.exchange(false)) return;
  engine_->stop_accepting();
  if (pool_) pool_->stop_accepting();
}

void http_client::stop() {
  stopped_ = true;
  engine_->shutdown();
  if (pool_) pool_->shutdown();
}

bool http_client::ready() const { return started_ && !stopped_; }

void http_client::send(message_ptr msg, config::node_ptr route_options, delivery_handler done) {
  const auto& s = *settings_;
  http::curl_request req;
  req.url = s.url;
  if (route_options) {
    auto path = route_options->get_string("path");
    if (!path.empty()) {
      if (!req.url.empty() && req.url.back() == '/' && path.front() == '/') path.erase(0, 1);
      req.url += path;
    }
  }
  req.method = s.method;
  const std::string& ct = !s.content_type.empty()      ? s.content_type
                          : !msg->content_type.empty() ? msg->content_type
                                                       : std::string("application/octet-stream");
  req.headers.reserve(6 + s.headers.size());  // the lines below, and a signature's
  req.headers.push_back("Content-Type: " + ct);
  req.headers.push_back("Idempotency-Key: " + msg->id);
  std::string traceparent;
  traceparent.reserve(68);
  traceparent = "traceparent: ";
  http::append_traceparent(traceparent, msg->trace_id);
  req.headers.push_back(std::move(traceparent));
  if (!msg->route.empty()) req.headers.push_back("X-Simpul-Route: " + msg->route);
  for (const auto& [k, v] : s.headers) req.headers.push_back(k + ": " + v);
  req.body = msg->body;
  using auth = http_client_settings::auth_kind;
  if (s.auth == auth::bearer) req.headers.push_back("Authorization: Bearer " + s.bearer_token);
  if (s.auth == auth::api_key) req.headers.push_back(s.api_key_header + ": " + s.api_key);
  req.timeout = s.timeout;
  req.connect_timeout = s.connect_timeout;
  add_tls(s, req);
  req.max_response = s.max_response;
  if (stopped_ || !accepting_) {
    delivery_result r;
    r.state = stopped_ ? delivery_result::outcome::retryable : delivery_result::outcome::not_sent;
    r.detail = stopped_ ? "shutting down" : "not sent: shutting down";
    done(std::move(r));
    return;
  }
  if (oauth2_) {
    return send_with_token(settings_, engine_, oauth2_, std::move(req), std::move(done), false);
  }
  perform_signed(
      settings_, engine_, std::move(req),
      [done = std::move(done)](http::curl_response res) { done(classify(std::move(res))); },
      pool_);
}

delivery_result http_client::classify(http::curl_response res) {
  using outcome = delivery_result::outcome;
  delivery_result out;
  if (res.not_sent) {
    out.state = outcome::not_sent;
    out.detail = "not sent: shutting down";
    return out;
  }
  if (res.shutting_down) {
    out.state = outcome::retryable;
    out.detail = "shutting down";
    return out;
  }
  if (res.curl_code != CURLE_OK) {
    out.status = static_cast<int>(res.status);
    if (res.response_too_large) {
      out.state = outcome::permanent;
      out.detail = "response body too large";
      return out;
    }
    std::string prefix = "transport: ";
    switch (res.curl_code) {
      case CURLE_URL_MALFORMAT:
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_BAD_FUNCTION_ARGUMENT:
        out.state = outcome::permanent;
        break;
      case CURLE_SSL_CERTPROBLEM:     // our client certificate or key is unusable
      case CURLE_SSL_CACERT_BADFILE:  // our CA bundle is unusable
        // Only a config change heals these; the message goes to the DLQ
        // (replayable) instead of cycling through retries.
        out.state = outcome::permanent;
        prefix = "tls config: ";
        break;
      case CURLE_PEER_FAILED_VERIFICATION:
        // Untrusted chain or wrong name: the server side (or the CA bundle)
        // may be fixed, and the message is not at fault.
        out.state = outcome::retryable;
        prefix = "tls: server certificate not accepted: ";
        break;
      case CURLE_SSL_CONNECT_ERROR:
        out.state = outcome::retryable;
        prefix = "tls: handshake failed: ";
        break;
      default:  // connect/resolve failures, timeouts, resets: may heal
        out.state = outcome::retryable;
    }
    if (res.curl_code == CURLE_OPERATION_TIMEDOUT) prefix = "timeout: ";
    out.detail = prefix + res.error;
    return out;
  }
  auto status = static_cast<int>(res.status);
  out.status = status;
  if (status >= 200 && status < 300) {
    out.state = outcome::delivered;
    out.detail = "HTTP " + std::to_string(status);
    out.response_headers = std::move(res.headers);
    out.response_body = std::move(res.body);
    out.response_content_type = std::move(res.content_type);
    return out;
  }
  bool retry = status == 408 || status == 429 || status >= 500;
  out.state = retry ? outcome::retryable : outcome::permanent;
  out.detail = "HTTP " + std::to_string(status);
  if (auto ra = res.headers.get("Retry-After")) {
    if (auto delay = http::parse_retry_after(*ra, std::chrono::system_clock::now())) {
      out.retry_after = *delay;
    }
  }
  // Keep the error answer for the DLQ entry and request-reply callers.
  out.response_headers = std::move(res.headers);
  out.response_body = std::move(res.body);
  out.response_content_type = std::move(res.content_type);
  return out;
}

}  // namespace simpul::connectors
