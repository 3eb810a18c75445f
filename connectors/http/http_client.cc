#include "connectors/http/http_client.h"

#include <curl/curl.h>

#include "connectors/http/http_util.h"

namespace simpul::connectors {

http_client::http_client(std::shared_ptr<const http_client_settings> settings, context& ctx)
    : settings_(std::move(settings)),
      engine_(http::curl_engine::create(ctx.io,
                                        {.max_host_connections = settings_->max_connections})) {}

http_client::~http_client() { engine_->shutdown(); }

result<void> http_client::start() {
  started_ = true;
  return {};
}

void http_client::stop() {
  stopped_ = true;
  engine_->shutdown();
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
  req.headers.push_back("Content-Type: " + ct);
  req.headers.push_back("Idempotency-Key: " + msg->id);
  req.headers.push_back("traceparent: " + http::make_traceparent(msg->trace_id));
  if (!msg->route.empty()) req.headers.push_back("X-Simpul-Route: " + msg->route);
  for (const auto& [k, v] : s.headers) req.headers.push_back(k + ": " + v);
  req.body = msg->body;
  req.timeout = s.timeout;
  req.connect_timeout = s.connect_timeout;
  req.tls_verify = s.tls_verify;
  req.ca_file = s.ca_file;
  req.max_response = s.max_response;
  if (stopped_) {
    delivery_result r;
    r.state = delivery_result::outcome::retryable;
    r.detail = "shutting down";
    done(std::move(r));
    return;
  }
  engine_->perform(std::move(req), [done = std::move(done)](http::curl_response res) {
    done(classify(std::move(res)));
  });
}

delivery_result http_client::classify(http::curl_response res) {
  using outcome = delivery_result::outcome;
  delivery_result out;
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
    switch (res.curl_code) {
      case CURLE_URL_MALFORMAT:
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_BAD_FUNCTION_ARGUMENT:
        out.state = outcome::permanent;
        break;
      default:  // connect/resolve failures, timeouts, resets, TLS: may heal
        out.state = outcome::retryable;
    }
    out.detail =
        (res.curl_code == CURLE_OPERATION_TIMEDOUT ? "timeout: " : "transport: ") + res.error;
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
