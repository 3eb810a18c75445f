#include "connectors/http/http_server.h"

#include <algorithm>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>
#include "connectors/http/http_util.h"
#include "monitoring/json_escape.h"
#include "monitoring/log.h"

namespace simpul::connectors {
namespace bhttp = boost::beast::http;

namespace {

const monitoring::logger log{"http_server"};

// A request target in absolute form ("http://host:port/lapor?x", which
// clients send through proxies and servers must accept, RFC 9112 3.2.2)
// as the origin form the routes match ("/lapor?x").
std::string_view origin_form(std::string_view target) {
  auto scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos || target.starts_with('/')) return target;
  auto scheme = target.substr(0, scheme_end);
  if (!boost::beast::iequals(scheme, "http") && !boost::beast::iequals(scheme, "https")) {
    return target;
  }
  auto rest = target.substr(scheme_end + 3);
  auto path = rest.find_first_of("/?");
  // No path: "/" (its query, if any, starts the rest: an empty path is "/").
  return path == std::string_view::npos ? std::string_view("/") : rest.substr(path);
}

bool is_hop_by_hop(std::string_view name) {
  static constexpr std::string_view names[] = {
      "connection", "keep-alive", "transfer-encoding", "content-length",
      "upgrade",    "te",         "trailer",           "proxy-connection"};
  return std::any_of(std::begin(names), std::end(names),
                     [&](std::string_view n) { return boost::beast::iequals(n, name); });
}

// The same test on a parsed request field: Beast already knows the known
// names, so only unknown ones need the string comparison.
bool is_hop_by_hop(bhttp::field f, std::string_view name) {
  using bf = bhttp::field;
  switch (f) {
    case bf::connection:
    case bf::keep_alive:
    case bf::transfer_encoding:
    case bf::content_length:
    case bf::upgrade:
    case bf::te:
    case bf::trailer:
    case bf::proxy_connection:
      return true;
    case bf::unknown:
      return is_hop_by_hop(name);
    default:
      return false;
  }
}

std::string accepted_body(std::string_view id) {
  std::string body;
  body.reserve(id.size() + 10);
  body += "{\"id\":";
  monitoring::append_json_string(body, id);
  body += '}';
  return body;
}

std::string remote_text(const http::inbound_request& req) {
  return req.remote_text.empty() ? http::endpoint_text(req.remote) : req.remote_text;
}

}  // namespace

/// What every request handler shares: immutable after `start`.
struct http_server::shared_state {
  std::vector<route_entry> routes;
  std::string name;
  std::function<void(message_ptr, error)> dead_letter;
  std::shared_ptr<const http::inbound_auth> auth;
  prometheus::Family<prometheus::Counter>* auth_failures = nullptr;  // {route, reason}
  prometheus::Family<prometheus::Counter>* rate_limited = nullptr;   // {route}

  const route_entry* match(std::string_view path) const {
    const route_entry* best = nullptr;
    for (const auto& r : routes) {
      if (!r.prefix && r.path == path) return &r;
      if (r.prefix && path.starts_with(r.path) && (!best || r.path.size() > best->path.size())) {
        best = &r;
      }
    }
    return best;
  }

  void handle(http::request_ptr req, http::responder answer) const;
  /// Authentication, access and rate limit; false when `answer` was sent.
  bool admit(const http::inbound_request& req, const route_entry& r, const std::string& id,
             http::responder& answer, http::inbound_auth::verdict& v) const;
  message_ptr to_message(http::inbound_request& req, std::string id, std::string_view path,
                         std::string_view query, std::string route,
                         const http::inbound_auth::verdict* who = nullptr) const;
};

namespace {

http::response to_response(ingest_result&& r, const std::string& id, unsigned version) {
  using status = ingest_result::status;
  http::response res{bhttp::status::accepted, version};
  switch (r.state) {
    case status::accepted:
      res.result(r.http_status >= 200 && r.http_status < 300 ? r.http_status : 202);
      res.set(bhttp::field::content_type, "application/json");
      // A duplicate (route dedup) is answered with the original message's id.
      res.body() = accepted_body(r.message_id.empty() ? id : r.message_id);
      break;
    case status::replied:
      res.result(r.http_status > 0 ? r.http_status : 200);
      for (const auto& [k, v] : r.reply_headers.entries()) {
        if (!is_hop_by_hop(k)) res.insert(k, v);
      }
      if (!r.reply_content_type.empty()) {
        res.set(bhttp::field::content_type, r.reply_content_type);
      }
      res.body() = std::move(r.reply_body);
      break;
    case status::rejected:
      return http::make_json_error(r.http_status >= 400 ? r.http_status : 400,
                                   r.error_code.empty() ? "rejected" : r.error_code, r.reason, id,
                                   version, true);
    case status::unavailable: {
      auto code = r.http_status == 429 || r.http_status == 503 ? r.http_status : 503;
      res =
          http::make_json_error(code, r.error_code.empty() ? "unavailable" : r.error_code,
                                r.reason.empty() ? "try again later" : r.reason, id, version, true);
      res.set(bhttp::field::retry_after,
              std::to_string(std::max<long long>(1, r.retry_after.count())));
      break;
    }
  }
  res.set("X-Request-Id", id);
  return res;
}

}  // namespace

message_ptr http_server::shared_state::to_message(http::inbound_request& req, std::string id,
                                                  std::string_view path, std::string_view query,
                                                  std::string route,
                                                  const http::inbound_auth::verdict* who) const {
  auto msg = std::make_shared<message>();
  msg->id = std::move(id);
  msg->route = std::move(route);
  msg->source = name;
  msg->received_at = std::chrono::system_clock::now();
  std::size_t fields = 0;
  for (auto it = req.msg.begin(); it != req.msg.end(); ++it) ++fields;
  msg->headers.reserve(fields);
  for (const auto& f : req.msg) {
    if (!is_hop_by_hop(f.name(), f.name_string())) {
      msg->headers.add(std::string(f.name_string()), std::string(f.value()));
    }
  }
  msg->content_type = std::string(req.msg[bhttp::field::content_type]);
  // The ordering key of `ordered: true` routes (same key, delivered in order).
  msg->key = std::string(req.msg["X-Message-Key"]);
  auto traced = http::trace_id_from_traceparent(req.msg["traceparent"]);
  msg->trace_id = traced ? std::move(*traced) : make_trace_id();
  msg->attributes.reserve(6);  // (assigning a list would drop this reservation)
  msg->attributes.emplace_back("path", std::string(path));
  msg->attributes.emplace_back("method", std::string(req.msg.method_string()));
  msg->attributes.emplace_back("query", std::string(query));
  msg->attributes.emplace_back("remote", remote_text(req));
  if (who && !who->identity.empty()) {
    // The authenticated caller, for conditions, mappings and the audit log.
    msg->attributes.emplace_back("client", who->identity);
    msg->attributes.emplace_back("auth", who->scheme);
  }
  msg->body = std::move(req.msg.body());
  return msg;
}

void http_server::shared_state::handle(http::request_ptr req, http::responder answer) const {
  std::string_view target = origin_form(req->msg.target());
  auto qmark = target.find('?');
  auto path = target.substr(0, qmark);
  if (path.empty()) path = "/";
  auto query = qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);
  auto id = make_message_id();
  auto version = req->msg.version();

  const route_entry* r = match(path);
  if (!r) {
    auto msg = to_message(*req, id, path, query, {});
    log.debug("no route for path", monitoring::logger::ctx{{}, id, {}});
    // With auth configured, anyone could fill the DLQ through unknown paths:
    // those requests are answered, not kept.
    if (dead_letter && !(auth && auth->auth_required())) {
      dead_letter(msg, error{"http.no_route", "no route for " + std::string(path)});
    }
    answer.send(
        http::make_json_error(404, "http.no_route", "no route for this path", id, version, true));
    return;
  }
  auto method = req->msg.method_string();
  if (std::find(r->methods.begin(), r->methods.end(), method) == r->methods.end()) {
    std::string allow;
    for (const auto& m : r->methods) allow += (allow.empty() ? "" : ", ") + m;
    auto res =
        http::make_json_error(405, "http.method_not_allowed",
                              std::string(method) + " is not allowed here", id, version, true);
    res.set(bhttp::field::allow, allow);
    answer.send(std::move(res));
    return;
  }
  http::inbound_auth::verdict who;
  if (!admit(*req, *r, id, answer, who)) return;
  auto msg = to_message(*req, id, path, query, r->route, &who);
  log.debug("request", monitoring::logger::ctx{r->route, id, msg->trace_id});
  r->sink->submit(std::move(msg), [answer, id, version](ingest_result result) {
    answer.send(to_response(std::move(result), id, version));
  });
}

bool http_server::shared_state::admit(const http::inbound_request& req, const route_entry& r,
                                      const std::string& id, http::responder& answer,
                                      http::inbound_auth::verdict& v) const {
  if (!auth) return true;
  v = auth->check(r.route, req, std::chrono::steady_clock::now());
  if (v.allowed()) return true;
  auto version = req.msg.version();
  monitoring::logger::ctx where{r.route, id, {}};
  if (v.status == 429) {
    if (rate_limited) rate_limited->Add({{"route", r.route}}).Increment();
    log.warn("rate limited: " + remote_text(req), where);
    auto res = http::make_json_error(429, "http.rate_limited", "too many requests", id, version,
                                     true);
    res.set(bhttp::field::retry_after, std::to_string(std::max<long long>(1, v.retry_after.count())));
    res.set("X-Request-Id", id);
    answer.send(std::move(res));
    return false;
  }
  auto reason = security::to_string(v.reason);
  if (auth_failures) {
    auth_failures->Add({{"route", r.route}, {"reason", std::string(reason)}}).Increment();
  }
  // The reason and the peer only: never the presented credential.
  log.warn("refused " + std::to_string(v.status) + " (" + std::string(reason) + ") from " +
               remote_text(req),
           where);
  http::response res;
  if (v.status == 403) {
    res = http::make_json_error(403, "auth.forbidden",
                                "the authenticated client may not use this route", id, version,
                                true);
  } else {
    res = http::make_json_error(401, "auth.unauthorized",
                                "missing or invalid credentials (" + std::string(reason) + ")",
                                id, version, true);
    if (!auth->challenge().empty()) res.set(bhttp::field::www_authenticate, auth->challenge());
  }
  res.set("X-Request-Id", id);
  answer.send(std::move(res));
  return false;
}

http_server::http_server(http::listener_options opts, context& ctx,
                         http::inbound_auth_settings auth)
    : io_(ctx.io),
      opts_(std::move(opts)),
      auth_settings_(std::move(auth)),
      name_(ctx.name),
      dead_letter_(ctx.dead_letter),
      metrics_(ctx.metrics) {}

http_server::~http_server() {
  if (listener_) listener_->stop();
}

result<void> http_server::bind(route_binding binding) {
  if (state_)
    return make_error("http_server.bind_after_start", "routes must be bound before start");
  if (!binding.sink)
    return make_error("http_server.no_sink", "route '" + binding.route + "' has no ingress");
  route_entry e;
  e.route = binding.route;
  e.sink = std::move(binding.sink);
  const config::node empty;
  const config::node& o = binding.options ? *binding.options : empty;
  e.path = o.get_string("path");
  if (e.path.empty() || e.path.front() != '/') {
    return make_error("http_server.bad_path", "route '" + e.route + "': path must start with '/'");
  }
  if (e.path.back() == '*') {
    e.prefix = true;
    e.path.pop_back();
  }
  e.methods = o.get_strings("methods");
  if (!o.find("methods")) e.methods = {"POST"};
  for (auto& m : e.methods) {
    std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::toupper(c); });
  }
  for (const auto& other : routes_) {
    if (other.path == e.path && other.prefix == e.prefix) {
      return make_error("http_server.duplicate_path", "routes '" + other.route + "' and '" +
                                                          e.route + "' both use path " + e.path +
                                                          (e.prefix ? "*" : ""));
    }
  }
  if (o.find("allow")) auth_settings_.allow[e.route] = o.get_strings("allow");
  routes_.push_back(std::move(e));
  return {};
}

result<void> http_server::start() {
  auto state = std::make_shared<shared_state>();
  state->routes = routes_;
  state->name = name_;
  state->dead_letter = dead_letter_;
  if (auth_settings_.any_auth() || auth_settings_.rate_limit.rate > 0) {
    auto auth = http::inbound_auth::make(auth_settings_);
    if (!auth) return std::unexpected(auth.error());
    state->auth = std::move(*auth);
  }
  if (metrics_) {
    // The same families the hub's catalogue registers (the registry merges them).
    state->auth_failures =
        &prometheus::BuildCounter()
             .Name("simpul_auth_failures_total")
             .Help("Requests refused by authentication or access control, by reason.")
             .Register(*metrics_);
    state->rate_limited = &prometheus::BuildCounter()
                               .Name("simpul_rate_limited_total")
                               .Help("Requests refused by a per-client rate limit.")
                               .Register(*metrics_);
  }
  state_ = state;
  listener_ =
      http::listener::create(io_, opts_, [state](http::request_ptr req, http::responder answer) {
        state->handle(std::move(req), std::move(answer));
      });
  return listener_->start();
}

void http_server::stop_accepting() {
  if (listener_) listener_->stop_accepting();
}

void http_server::stop() {
  if (listener_) listener_->stop();
}

bool http_server::ready() const { return listener_ && listener_->listening(); }

result<void> http_server::reload_tls() {
  return listener_ ? listener_->reload_tls() : result<void>{};
}

std::uint16_t http_server::port() const { return listener_ ? listener_->port() : 0; }

}  // namespace simpul::connectors
