#include "connectors/http/register.h"

#include <curl/curl.h>

#include "connectors/http/config_reader.h"
#include "connectors/http/http_client.h"
#include "connectors/http/http_server.h"
#include "connectors/http/http_util.h"
#include "connectors/http/security_config.h"
#include "connectors/http/spec_helpers.h"
#include "connectors/registry.h"

namespace simpul::connectors {
namespace {

constexpr std::uint64_t max_request_head = 60 * 1024;

using config::field_spec;
using config::field_type;
using problems = std::vector<std::pair<config::mark, std::string>>;

using namespace http::spec_helpers;  // field, required, one_of, secret, nested

std::vector<field_spec> auth_fields() {
  return {
      one_of(field("type", field_type::string,
                   "`bearer`: static `Authorization: Bearer <token>`. `api_key`: `<header>: "
                   "<key>`. `oauth2`: OAuth2 client credentials (token fetched and cached, "
                   "refreshed before expiry and once on a 401).",
                   "none", "oauth2"),
             {"none", "bearer", "api_key", "oauth2"}),
      secret(field("token", field_type::string, "bearer: the token.", {},
                   "${env:SPLP_TOKEN}")),
      field("header", field_type::string, "api_key: header name.", "X-API-Key", "apikey"),
      secret(field("key", field_type::string, "api_key: the key.", {}, "${file:/run/keys/api}")),
      field("token_url", field_type::string, "oauth2: token endpoint (https).", {},
            "https://splp.layanan.go.id/oauth2/token"),
      field("client_id", field_type::string, "oauth2: client id.", {}, "pemkab-bandung"),
      secret(field("client_secret", field_type::string, "oauth2: client secret.", {},
                   "${env:SPLP_CLIENT_SECRET}")),
      field("scope", field_type::string, "oauth2: requested scope (space-separated).", {},
            "laporan.write"),
      field("audience", field_type::string, "oauth2: `audience` form parameter, when the "
            "server wants one.", {}, "https://api.example.go.id"),
      one_of(field("client_auth", field_type::string,
                   "oauth2: send the client credentials as HTTP Basic (`basic`, RFC 6749 "
                   "2.3.1) or in the form body (`body`).",
                   "basic", {}),
             {"basic", "body"}),
      field("refresh_margin", field_type::duration,
            "oauth2: refresh the token this long before it expires.", "30s", "60s"),
  };
}

std::vector<field_spec> signing_fields() {
  return {
      secret(field("secret", field_type::string,
                   "HMAC-SHA256 key; signing is on when set (see README \"Request signing\").",
                   {}, "${env:SIGNING_SECRET}")),
      field("timestamp_header", field_type::string, "Header carrying the Unix timestamp.",
            "X-Simpul-Timestamp", "X-Timestamp"),
      field("signature_header", field_type::string, "Header carrying `v1=<hex signature>`.",
            "X-Simpul-Signature", "X-Signature"),
  };
}

config::mark where_of(const config::node& n, std::string_view key) {
  const config::node* f = n.find(key);
  return f ? f->where() : n.where();
}

void require_at_least_one(const config_reader& r, const config::node& n, std::string_view key,
                          problems& out) {
  if (r.integer(key) < 1) out.emplace_back(where_of(n, key), "must be at least 1");
}

config::component_spec server_spec() {
  config::component_spec s;
  s.type = "http_server";
  s.summary = "HTTP/1.1 endpoint: each request to a bound path becomes a message";
  s.input = true;
  s.request_reply = true;  // the caller can wait for the output's answer
  s.fields = {
      field("listen", field_type::host_port,
            "Address and port to listen on (host:port, IPv6 as [addr]:port; port 0 picks a free "
            "one).",
            "127.0.0.1:8080", "0.0.0.0:8080"),
      field("max_body", field_type::size, "Largest request body accepted; larger requests get 413.",
            "1MiB", "4MiB"),
      field("max_header", field_type::size,
            "Largest request head (request line and headers); larger get 431. At most 60KiB.", "16KiB",
            "32KiB"),
      field(
          "header_timeout", field_type::duration,
          "Time allowed to receive a request's headers once it started (slow clients are closed).",
          "10s", "5s"),
      field("read_timeout", field_type::duration,
            "Time allowed to receive a request body, and to write a response.", "30s", "60s"),
      field("idle_timeout", field_type::duration,
            "How long a keep-alive connection may wait for its next request.", "60s", "120s"),
      field("max_connections", field_type::integer,
            "Open connections at most; at the limit new connections wait in the backlog.", "1024",
            "4096"),
      nested(field("tls", field_type::object, "Serve HTTPS (and optionally verify client "
                   "certificates); see docs/security.md.", {},
                   "{cert_file: /etc/simpul/tls/server.pem, key_file: /etc/simpul/tls/server.key}"),
             http::tls_server_fields()),
      nested(field("auth", field_type::object,
                   "Client identity: api_keys, basic, jwt, mtls. Once any is set, every route "
                   "denies by default: list callers in the route's `allow:`.", {},
                   "{api_keys: [{identity: app-a, hash: \"sha256:9f86d08...\"}]}"),
             http::auth_fields()),
      nested(field("rate_limit", field_type::object,
                   "Per-client token bucket (by identity, else by remote address); 429 with "
                   "Retry-After.", {}, "{rate: 50, burst: 100}"),
             http::rate_limit_fields()),
  };
  s.route_fields = {
      required(field("path", field_type::string,
                     "Request path this route takes (exact; a trailing '*' matches the prefix).",
                     {}, "/api/v1/lapor")),
      field("methods", field_type::string_list,
            "Accepted HTTP methods; others get 405 with an Allow header.", "[POST]", "[POST, PUT]"),
      field("allow", field_type::string_list,
            "Client identities (from the input's auth) that may send to this route; `*` = any "
            "authenticated client. Others get 403.",
            {}, "[dukcapil-app, kab-bandung]"),
  };
  return s;
}

config::component_spec client_spec() {
  config::component_spec s;
  s.type = "http_client";
  s.summary = "Delivers each message as one HTTP request (libcurl, connection reuse)";
  s.output = true;
  s.fields = {
      required(field("url", field_type::string, "Target URL (http or https).", {},
                     "https://api.example.go.id/v1/laporan")),
      one_of(field("method", field_type::string, "HTTP method.", "POST", {}),
             {"POST", "PUT", "PATCH", "DELETE", "GET"}),
      field(
          "headers", field_type::string_map,
          "Extra request headers; values may come from ${env:..}/${file:..} and are never logged.",
          {}, "{Authorization: \"Bearer ${env:SATU_DATA_TOKEN}\"}"),
      field("timeout", field_type::duration,
            "Whole-request deadline; on expiry the attempt is retryable.", "10s", "30s"),
      field("connect_timeout", field_type::duration,
            "Deadline for establishing the connection (TCP and TLS).", "5s", "2s"),
      field("tls_verify", field_type::boolean,
            "Verify the server certificate and host name (https).", "true", {}),
      field("ca_file", field_type::string,
            "PEM file of CA certificates to trust instead of the system store.", {},
            "/etc/simpul/ca/pusat.pem"),
      field("tls_server_name", field_type::string,
            "Name the server certificate must carry, instead of the URL's host (pinning; e.g. "
            "when the URL is an IP address).",
            {}, "api.pusat.go.id"),
      field("tls_cert_file", field_type::string, "Client certificate (PEM) for mutual TLS.", {},
            "/etc/simpul/tls/client.crt"),
      field("tls_key_file", field_type::string,
            "Private key (PEM) of the client certificate; empty: inside tls_cert_file.", {},
            "/etc/simpul/tls/client.key"),
      secret(field("tls_key_password", field_type::string,
                   "Password of an encrypted tls_key_file.", {}, "${env:CLIENT_KEY_PASSWORD}")),
      nested(field("auth", field_type::object, "Outbound authentication (see README).", {},
                   "{type: bearer, token: \"${env:PUSAT_TOKEN}\"}"),
             auth_fields()),
      nested(field("signing", field_type::object,
                   "HMAC request signing over method, target, timestamp and body hash.", {},
                   "{secret: \"${env:SIGNING_SECRET}\"}"),
             signing_fields()),
      field("max_connections", field_type::integer,
            "Connections per host at most (kept open and reused); more requests queue.", "8", "32"),
      field("content_type", field_type::string,
            "Content-Type to send instead of the message's own.", {}, "application/json"),
      field("max_response", field_type::size,
            "Largest response body read; a larger one fails the attempt permanently.", "16MiB",
            "64MiB"),
  };
  s.output_fields = {
      field("path", field_type::string, "Appended to the connector's url for this route.", {},
            "/laporan/masuk"),
  };
  return s;
}

class http_server_factory final : public connector_factory {
 public:
  const config::component_spec& spec() const override { return spec_; }

  problems check(const config::node& n) const override {
    problems out;
    config_reader r(n, spec_.fields);
    if (auto hp = http::parse_host_port(r.string("listen")); !hp) {
      out.emplace_back(where_of(n, "listen"), hp.error().message);
    }
    require_at_least_one(r, n, "max_connections", out);
    if (r.size("max_body") == 0) out.emplace_back(where_of(n, "max_body"), "must be above 0");
    if (r.size("max_header") == 0 || r.size("max_header") > max_request_head) {
      // A request is read into a 64 KiB buffer (session.cc); a larger head
      // could carry a field Beast cannot store (it throws, the hub stops).
      out.emplace_back(where_of(n, "max_header"), "must be between 1 byte and 60KiB");
    }
    const config::node* tls = n.find("tls");
    bool client_certs = false;
    if (tls && tls->is_map()) {
      bool has_cert = !tls->get_string("cert_file").empty();
      if (has_cert == tls->get_string("key_file").empty())
        out.emplace_back(tls->where(), "cert_file and key_file go together");
      client_certs = tls->get_string("client_certs", "none") != "none";
      if (client_certs && tls->get_string("client_ca_file").empty())
        out.emplace_back(tls->where(), "client_certs needs client_ca_file");
    }
    const config::node* auth = n.find("auth");
    if (auth && auth->is_map()) {
      if (auth->get_bool("mtls") && !client_certs)
        out.emplace_back(where_of(*auth, "mtls"), "mtls needs tls.client_certs optional or require");
      if (const config::node* jwt = auth->find("jwt"); jwt && jwt->is_map()) {
        int sources = !jwt->get_string("jwks_file").empty() +
                      !jwt->get_string("public_key_file").empty() +
                      !jwt->get_string("secret").empty();
        // The validator fills defaults (leeway...), so an absent jwt block is
        // a map without a key source: only more than one source is wrong.
        if (sources > 1)
          out.emplace_back(jwt->where(), "takes only one of jwks_file, public_key_file, secret");
      }
    }
    return out;
  }

  result<input_ptr> make_input(config::node_ptr n, context& ctx) const override {
    config_reader r(*n, spec_.fields);
    auto hp = http::parse_host_port(r.string("listen"));
    if (!hp) return std::unexpected(hp.error());
    http::listener_options o;
    o.host = hp->host;
    o.port = hp->port;
    o.body_limit = r.size("max_body");
    o.header_limit = static_cast<std::uint32_t>(r.size("max_header"));
    o.header_timeout = r.duration("header_timeout");
    o.read_timeout = r.duration("read_timeout");
    o.idle_timeout = r.duration("idle_timeout");
    o.max_connections =
        static_cast<std::size_t>(std::max<std::int64_t>(1, r.integer("max_connections")));
    auto tls = http::read_server_tls(n->find("tls"));
    if (!tls) return std::unexpected(tls.error());
    o.tls = std::move(*tls);
    return std::make_unique<http_server>(std::move(o), ctx,
                                         http::read_auth(n->find("auth"), n->find("rate_limit")));
  }

 private:
  config::component_spec spec_ = server_spec();
};

class http_client_factory final : public connector_factory {
 public:
  const config::component_spec& spec() const override { return spec_; }

  problems check(const config::node& n) const override {
    problems out;
    config_reader r(n, spec_.fields);
    auto url = r.string("url");
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
      out.emplace_back(where_of(n, "url"), "must start with http:// or https://");
    }
    if (r.duration("timeout").count() <= 0)
      out.emplace_back(where_of(n, "timeout"), "must be above 0");
    require_at_least_one(r, n, "max_connections", out);
    if (!r.string("tls_key_file").empty() && r.string("tls_cert_file").empty()) {
      out.emplace_back(where_of(n, "tls_key_file"), "needs tls_cert_file");
    }
    if (const auto* a = n.find("auth"); a && a->is_map()) {
      config_reader ar(*a, auth_fields_);
      auto type = ar.string("type");
      auto need = [&](std::string_view key) {
        if (ar.string(key).empty()) {
          out.emplace_back(a->where(), "auth type " + type + " needs " + std::string(key));
        }
      };
      if (type == "bearer") need("token");
      if (type == "api_key") need("key");
      if (type == "oauth2") {
        need("token_url");
        need("client_id");
        need("client_secret");
        auto u = ar.string("token_url");
        if (!u.empty() && !u.starts_with("http://") && !u.starts_with("https://")) {
          out.emplace_back(where_of(*a, "token_url"), "must start with http:// or https://");
        }
      }
    }
    return out;
  }

  result<output_ptr> make_output(config::node_ptr n, context& ctx) const override {
    config_reader r(*n, spec_.fields);
    auto s = std::make_shared<http_client_settings>();
    s->url = r.string("url");
    s->method = r.string("method");
    s->headers = r.string_map("headers");
    s->timeout = r.duration("timeout");
    s->connect_timeout = r.duration("connect_timeout");
    s->tls_verify = r.boolean("tls_verify");
    s->ca_file = r.string("ca_file");
    s->max_connections = static_cast<long>(std::max<std::int64_t>(1, r.integer("max_connections")));
    s->content_type = r.string("content_type");
    s->max_response = r.size("max_response");
    s->tls_server_name = r.string("tls_server_name");
    s->tls_cert_file = r.string("tls_cert_file");
    s->tls_key_file = r.string("tls_key_file");
    s->tls_key_password = r.string("tls_key_password");
    config::node empty(config::node::kind::map, n->where());
    const config::node* a = n->find("auth");
    config_reader ar(a && a->is_map() ? *a : empty, auth_fields_);
    using auth = http_client_settings::auth_kind;
    auto type = ar.string("type");
    s->auth = type == "bearer"    ? auth::bearer
              : type == "api_key" ? auth::api_key
              : type == "oauth2"  ? auth::oauth2
                                  : auth::none;
    s->bearer_token = ar.string("token");
    s->api_key_header = ar.string("header");
    s->api_key = ar.string("key");
    s->oauth2.token_url = ar.string("token_url");
    s->oauth2.client_id = ar.string("client_id");
    s->oauth2.client_secret = ar.string("client_secret");
    s->oauth2.scope = ar.string("scope");
    s->oauth2.audience = ar.string("audience");
    s->oauth2.basic_auth = ar.string("client_auth") != "body";
    s->oauth2.refresh_margin =
        std::chrono::duration_cast<std::chrono::seconds>(ar.duration("refresh_margin"));
    s->oauth2.timeout = s->timeout;
    const config::node* g = n->find("signing");
    config_reader gr(g && g->is_map() ? *g : empty, signing_fields_);
    if (auto secret = gr.string("secret"); !secret.empty()) {
      security::signing_options o;
      o.timestamp_header = gr.string("timestamp_header");
      o.signature_header = gr.string("signature_header");
      s->signer = std::make_shared<const security::request_signer>(std::move(secret), std::move(o));
    }
    return std::make_unique<http_client>(std::move(s), ctx);
  }

 private:
  config::component_spec spec_ = client_spec();
  std::vector<field_spec> auth_fields_ = auth_fields();
  std::vector<field_spec> signing_fields_ = signing_fields();
};

}  // namespace

void register_http(registry& reg) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)reg.add(std::make_unique<http_server_factory>());
  (void)reg.add(std::make_unique<http_client_factory>());
}

}  // namespace simpul::connectors
