#include "hub/admin/admin_api.h"

#include <openssl/crypto.h>

#include "hub/admin/dlq_api.h"
#include "hub/hub.h"
#include "monitoring/catalogue.h"
#include "monitoring/json_escape.h"

namespace simpul::hub {
namespace {

using monitoring::json_escape;

admin_api::response error_response(int status, std::string_view code, std::string_view text) {
  admin_api::response r;
  r.status = status;
  r.body = R"({"error":{"code":")" + json_escape(code) + R"(","message":")" + json_escape(text) +
           R"("}})";
  return r;
}

const char* mode_name(config::route_mode m) {
  switch (m) {
    case config::route_mode::accept: return "accept";
    case config::route_mode::request_reply: return "request_reply";
    case config::route_mode::forward: return "forward";
  }
  return "accept";
}

}  // namespace

admin_api::admin_api(monitoring::catalogue& metrics, std::string token, bool open_health,
                     bool open_health_loopback_only)
    : metrics_(metrics),
      token_(std::move(token)),
      open_health_(open_health),
      open_health_loopback_only_(open_health_loopback_only) {}

void admin_api::set_hub(std::shared_ptr<hub> h) {
  std::lock_guard lock(mu_);
  hub_ = std::move(h);
}

void admin_api::set_reloader(std::function<response()> reload) {
  std::lock_guard lock(mu_);
  reload_ = std::move(reload);
}

std::shared_ptr<hub> admin_api::current() const {
  std::lock_guard lock(mu_);
  return hub_;
}

bool admin_api::authorized(std::string_view authorization) const {
  if (token_.empty()) return false;
  constexpr std::string_view prefix = "Bearer ";
  if (!authorization.starts_with(prefix)) return false;
  auto given = authorization.substr(prefix.size());
  // Constant time: the comparison must not tell an attacker how much matched.
  return given.size() == token_.size() &&
         CRYPTO_memcmp(given.data(), token_.data(), token_.size()) == 0;
}

admin_api::response admin_api::handle(const request& req) const {
  auto path = req.target.substr(0, req.target.find('?'));
  bool health = path == "/metrics" || path == "/healthz" || path == "/readyz";
  if (!health && !path.starts_with("/admin/")) {
    return error_response(404, "admin.not_found", "no such admin endpoint");
  }
  bool open = health && open_health_ && (req.loopback || !open_health_loopback_only_);
  if (!open) {
    if (token_.empty()) {
      return error_response(403, "admin.disabled",
                            "the admin API is disabled: set hub.admin.token to enable it");
    }
    if (!authorized(req.authorization)) {
      auto r = error_response(401, "admin.unauthorized", "missing or wrong admin token");
      r.headers.set("WWW-Authenticate", "Bearer");
      return r;
    }
  }
  if (path == "/admin/dlq" || path.starts_with("/admin/dlq/")) {
    auto h = current();
    if (!h) return error_response(503, "admin.starting", "the hub is not running yet");
    auto q = req.target.find('?');
    return handle_dlq(*h, req.method, path,
                      q == std::string_view::npos ? std::string_view() : req.target.substr(q + 1),
                      req.body);
  }
  if (path == "/admin/reload") {
    std::function<response()> reload;
    {
      std::lock_guard lock(mu_);
      reload = reload_;
    }
    if (!reload) return error_response(404, "admin.not_found", "reload is not available");
    if (req.method != "POST") {
      auto r = error_response(405, "admin.method", "method not allowed");
      r.headers.set("Allow", "POST");
      return r;
    }
    return reload();
  }
  if (req.method != "GET") {
    auto r = error_response(405, "admin.method", "method not allowed");
    r.headers.set("Allow", "GET");
    return r;
  }
  if (path == "/metrics") return metrics();
  if (path == "/healthz") return response{200, "application/json", R"({"status":"ok"})", {}};
  if (path == "/readyz") return ready();
  if (path == "/admin/routes") return routes();
  return error_response(404, "admin.not_found", "no such admin endpoint");
}

admin_api::response admin_api::metrics() const {
  // State gauges are sampled at scrape time: cheaper than updating them on
  // every transition, and always current.
  auto h = current();
  if (h) {
    h->sample_metrics(metrics_);
    for (const auto& s : h->status()) {
      metrics_.connector_up.Add({{"connector", s.name}, {"type", s.type}}).Set(s.ready ? 1 : 0);
    }
    for (const auto& [name, state] : h->circuits()) {
      metrics_.circuit_state.Add({{"connector", name}}).Set(static_cast<double>(state));
    }
  }
  metrics_.ready.Add({}).Set(h && h->ready() ? 1 : 0);
  response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_.scrape();
  return r;
}

admin_api::response admin_api::ready() const {
  auto h = current();
  response r;
  bool ok = h && h->ready();
  r.status = ok ? 200 : 503;
  std::string body = std::string(R"({"ready":)") + (ok ? "true" : "false") + R"(,"connectors":[)";
  if (h) {
    bool first = true;
    for (const auto& s : h->status()) {
      if (!first) body += ',';
      first = false;
      body += R"({"name":")" + json_escape(s.name) + R"(","type":")" + json_escape(s.type) +
              R"(","ready":)" + (s.ready ? "true" : "false") + "}";
    }
  }
  body += "]";
  if (h) {
    // A full spool makes the hub unready: say which routes push back.
    body += R"(,"spool_full":[)";
    bool first = true;
    for (const auto& name : h->full_routes()) {
      body += (first ? "\"" : ",\"") + json_escape(name) + "\"";
      first = false;
    }
    body += "]";
  }
  body += "}";
  r.body = std::move(body);
  return r;
}

admin_api::response admin_api::routes() const {
  auto h = current();
  if (!h) return error_response(503, "admin.starting", "the hub is not running yet");
  std::string body = R"({"routes":[)";
  bool first = true;
  for (const auto& rc : h->config().routes) {
    if (!first) body += ',';
    first = false;
    body += R"({"name":")" + json_escape(rc.name) + R"(","from":")" + json_escape(rc.from) +
            R"(","mode":")" + mode_name(rc.mode) + R"(","to":[)";
    for (std::size_t i = 0; i < rc.to.size(); ++i) {
      if (i) body += ',';
      body += '"' + json_escape(rc.to[i].connector) + '"';
    }
    body += "]}";
  }
  body += "]}";
  return response{200, "application/json", std::move(body), {}};
}

}  // namespace simpul::hub
