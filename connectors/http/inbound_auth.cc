#include "connectors/http/inbound_auth.h"

#include <algorithm>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>

#include "security/file_util.h"
#include "security/jwt_keys.h"

namespace simpul::http {
namespace bhttp = boost::beast::http;
using security::auth_reason;

namespace {

simpul::error convert(const security::error& e) { return simpul::error{e.code, e.message}; }

bool has_scheme(std::string_view header, std::string_view scheme) {
  return header.size() > scheme.size() && header[scheme.size()] == ' ' &&
         boost::beast::iequals(header.substr(0, scheme.size()), scheme);
}

std::string_view trimmed(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return v;
}

result<security::jwt_key_set> load_jwt_keys(const inbound_auth_settings& s) {
  int sources = !s.jwt_jwks_file.empty() + !s.jwt_public_key_file.empty() + !s.jwt_secret.empty();
  if (sources != 1) {
    return make_error("http_server.auth.jwt",
                      "jwt needs exactly one of jwks_file, public_key_file, secret");
  }
  if (!s.jwt_jwks_file.empty()) {
    auto keys = security::jwt_key_set::from_jwks_file(s.jwt_jwks_file);
    if (!keys) return std::unexpected(convert(keys.error()));
    return std::move(*keys);
  }
  if (!s.jwt_public_key_file.empty()) {
    auto pem = security::read_whole_file(s.jwt_public_key_file, "http_server.auth.jwt");
    if (!pem) return std::unexpected(convert(pem.error()));
    auto keys = security::jwt_key_set::from_pem_public_key(*pem);
    if (!keys) return std::unexpected(convert(keys.error()));
    return std::move(*keys);
  }
  auto keys = security::jwt_key_set::from_hmac_secret(s.jwt_secret);
  if (!keys) return std::unexpected(convert(keys.error()));
  return std::move(*keys);
}

}  // namespace

result<std::shared_ptr<const inbound_auth>> inbound_auth::make(inbound_auth_settings s) {
  auto a = std::make_shared<inbound_auth>();
  std::vector<std::string> challenges;
  if (s.jwt_configured()) {
    auto keys = load_jwt_keys(s);
    if (!keys) return std::unexpected(keys.error());
    a->jwt_.emplace(std::make_shared<const security::jwt_key_set>(std::move(*keys)), s.jwt);
    challenges.push_back("Bearer realm=\"simpul\"");
  }
  if (!s.basic.empty()) {
    auto b = security::basic_auth::make(s.basic);
    if (!b) return std::unexpected(convert(b.error()));
    a->basic_ = std::make_unique<security::basic_auth>(std::move(*b));
    challenges.push_back("Basic realm=\"simpul\", charset=\"UTF-8\"");
  }
  if (!s.api_keys.empty()) {
    auto k = security::api_keys::make(s.api_keys);
    if (!k) return std::unexpected(convert(k.error()));
    a->api_keys_.emplace(std::move(*k));
    challenges.push_back("ApiKey realm=\"simpul\"");
  }
  a->mtls_ = s.mtls;
  if (s.mtls && challenges.empty()) challenges.push_back("Mutual realm=\"simpul\"");
  for (const auto& c : challenges) a->challenge_ += (a->challenge_.empty() ? "" : ", ") + c;

  // The config lists identities per route (X-Road style); the ACL wants
  // routes per identity.
  std::map<std::string, std::vector<std::string>> by_identity;
  for (const auto& [route, identities] : s.allow) {
    for (const auto& id : identities) {
      if (id == "*") {
        a->open_routes_.insert(route);
      } else {
        by_identity[id].push_back(route);
      }
    }
  }
  std::vector<security::acl::rule> rules;
  for (auto& [id, routes] : by_identity) rules.push_back({id, std::move(routes)});
  a->acl_ = security::acl(s.any_auth(), rules);

  if (s.rate_limit.rate > 0) {
    auto o = s.rate_limit;
    if (o.burst < 1) o.burst = std::max(1.0, o.rate);
    a->limiter_ = std::make_unique<security::rate_limiter>(o);
  }
  return std::shared_ptr<const inbound_auth>(std::move(a));
}

security::auth_result inbound_auth::authenticate(const inbound_request& req,
                                                 std::string& scheme) const {
  auto authz = trimmed(req.msg[bhttp::field::authorization]);
  if (!authz.empty()) {
    if (jwt_ && has_scheme(authz, "Bearer")) {
      scheme = "jwt";
      return jwt_->authenticate_header(authz);
    }
    if (basic_ && has_scheme(authz, "Basic")) {
      scheme = "basic";
      return basic_->authenticate(authz);
    }
    if (api_keys_ && has_scheme(authz, "ApiKey")) {
      scheme = "api_key";
      auto key = trimmed(authz.substr(7));
      if (key.empty()) return std::unexpected(auth_reason::malformed_credentials);
      return api_keys_->authenticate(key);
    }
    // A scheme this input does not take: say so rather than fall through to
    // a certificate, so the caller learns its credential was ignored.
    return std::unexpected(auth_reason::malformed_credentials);
  }
  if (api_keys_) {
    auto key = trimmed(req.msg["X-API-Key"]);
    if (!key.empty()) {
      scheme = "api_key";
      return api_keys_->authenticate(key);
    }
  }
  if (mtls_ && !req.peer_identity.empty()) {
    scheme = "mtls";
    return req.peer_identity;
  }
  return std::unexpected(auth_reason::no_credentials);
}

inbound_auth::verdict inbound_auth::check(std::string_view route, const inbound_request& req,
                                          std::chrono::steady_clock::time_point now) const {
  verdict v;
  if (acl_.auth_required()) {
    auto who = authenticate(req, v.scheme);
    auto d = acl_.check(route, who);
    if (d.reason == auth_reason::forbidden && open_routes_.contains(route)) d.reason = auth_reason::ok;
    v.reason = d.reason;
    v.status = d.status();
    if (!d.allowed()) {
      v.scheme.clear();
      return v;
    }
    v.identity = std::move(d.identity);
  } else {
    v.scheme.clear();
  }
  if (limiter_) {
    // Anonymous callers share buckets by address (one per host, any port).
    std::string key =
        v.identity.empty() ? "addr:" + req.remote.address().to_string() : "id:" + v.identity;
    auto r = limiter_->acquire(key, now);
    if (!r.allowed) {
      v.status = 429;
      v.retry_after = r.retry_after;
    }
  }
  return v;
}

}  // namespace simpul::http
