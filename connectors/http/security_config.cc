#include "connectors/http/security_config.h"

#include <algorithm>

#include "connectors/http/spec_helpers.h"
#include "security/tls_context.h"

namespace simpul::http {
namespace {

using config::field_spec;
using config::field_type;

using namespace spec_helpers;  // field, secret, one_of

}  // namespace

std::vector<field_spec> tls_server_fields() {
  return {
      field("cert_file", field_type::string,
            "PEM certificate chain (leaf first). With it the listener serves HTTPS only "
            "(TLS 1.2+, ECDHE+AEAD ciphers); re-read on SIGHUP.",
            {}, "/etc/simpul/tls/hub.crt"),
      field("key_file", field_type::string, "PEM private key of cert_file.", {},
            "/etc/simpul/tls/hub.key"),
      secret(field("key_password", field_type::string,
                   "Password of an encrypted key_file (${env:..}/${file:..}).")),
      one_of(field("client_certs", field_type::string,
                   "Ask clients for a certificate (mTLS): none, optional (verified when sent), "
                   "require (handshake fails without a valid one).",
                   "none"),
             {"none", "optional", "require"}),
      field("client_ca_file", field_type::string,
            "PEM bundle of CAs trusted for client certificates (needed with client_certs).", {},
            "/etc/simpul/tls/instansi-ca.pem"),
      field("crl_file", field_type::string, "PEM CRL checked for client certificates.", {},
            "/etc/simpul/tls/instansi.crl"),
      one_of(field("min_version", field_type::string, "Lowest TLS version offered.", "1.2"),
             {"1.2", "1.3"}),
  };
}

std::vector<field_spec> auth_fields() {
  field_spec key_entry = field("api_keys", field_type::object_list,
                               "API keys (`X-API-Key: <key>` or `Authorization: ApiKey <key>`), "
                               "stored as SHA-256 hashes (`simpul hash-key`).");
  key_entry.fields = {
      field("identity", field_type::string, "Client name used in `allow:` lists and the audit log."),
      field("hash", field_type::string, "`sha256:<hex>` of the key.", {}, "sha256:9f86d08..."),
  };
  field_spec basic = field("basic", field_type::object_list,
                           "HTTP Basic users with PBKDF2 password hashes (`simpul hash-password`).");
  basic.fields = {
      field("user", field_type::string, "User name; it is the client identity."),
      field("hash", field_type::string, "`pbkdf2-sha256$<iterations>$<salt>$<hash>`."),
  };
  field_spec jwt = field("jwt", field_type::object,
                         "Bearer JWTs (HS256, RS256, ES256); exactly one key source.");
  jwt.fields = {
      field("jwks_file", field_type::string, "JWKS document with the verification keys.", {},
            "/etc/simpul/jwks.json"),
      field("public_key_file", field_type::string, "PEM public key (RSA >= 2048 or EC P-256)."),
      secret(field("secret", field_type::string, "HS256 secret, at least 32 bytes.")),
      field("issuer", field_type::string, "Required `iss` (empty: not checked)."),
      field("audiences", field_type::string_list, "`aud` must name one of these (empty: not checked)."),
      field("leeway", field_type::duration, "Clock skew allowed on exp/nbf/iat.", "60s"),
      field("identity_claim", field_type::string, "Claim naming the client.", "sub"),
      field("require_exp", field_type::boolean, "Refuse tokens without `exp`.", "true"),
  };
  return {
      key_entry, basic, jwt,
      field("mtls", field_type::boolean,
            "A verified client certificate (tls.client_certs) identifies the client by its "
            "subject CN, else its first SAN.",
            "false"),
  };
}

std::vector<field_spec> rate_limit_fields() {
  return {
      field("rate", field_type::number, "Requests per second per client (0: no limit).", "0",
            "10"),
      field("burst", field_type::number, "Requests a client may send at once (bucket size).",
            "0", "20"),
      field("max_clients", field_type::integer, "Clients tracked at most (memory bound).",
            "10000"),
  };
}

result<std::shared_ptr<security::tls_context>> read_server_tls(const config::node* tls) {
  if (tls == nullptr || !tls->is_map() || tls->get_string("cert_file").empty()) return nullptr;
  security::server_tls_options o;
  o.cert_file = tls->get_string("cert_file");
  o.key_file = tls->get_string("key_file");
  o.key_password = tls->get_string("key_password");
  auto mode = tls->get_string("client_certs", "none");
  o.client_certs = mode == "require"    ? security::client_cert_mode::require
                   : mode == "optional" ? security::client_cert_mode::optional
                                        : security::client_cert_mode::none;
  o.client_ca_file = tls->get_string("client_ca_file");
  o.crl_file = tls->get_string("crl_file");
  o.min_version = tls->get_string("min_version", "1.2") == "1.3" ? security::tls_version::tls1_3
                                                                   : security::tls_version::tls1_2;
  auto ctx = security::tls_context::make_server(std::move(o));
  if (!ctx) return make_error(ctx.error().code, ctx.error().message);
  return std::make_shared<security::tls_context>(std::move(*ctx));
}

inbound_auth_settings read_auth(const config::node* auth, const config::node* rate_limit) {
  inbound_auth_settings s;
  if (auth != nullptr && auth->is_map()) {
    if (const auto* keys = auth->find("api_keys"); keys && keys->is_sequence()) {
      for (const auto& k : keys->items())
        s.api_keys.push_back({k.get_string("identity"), k.get_string("hash")});
    }
    if (const auto* users = auth->find("basic"); users && users->is_sequence()) {
      for (const auto& u : users->items())
        s.basic.push_back({u.get_string("user"), u.get_string("hash")});
    }
    if (const auto* jwt = auth->find("jwt"); jwt && jwt->is_map()) {
      s.jwt_jwks_file = jwt->get_string("jwks_file");
      s.jwt_public_key_file = jwt->get_string("public_key_file");
      s.jwt_secret = jwt->get_string("secret");
      s.jwt.issuer = jwt->get_string("issuer");
      s.jwt.audiences = jwt->get_strings("audiences");
      s.jwt.leeway = std::chrono::duration_cast<std::chrono::seconds>(
          jwt->get_duration("leeway", std::chrono::seconds(60)));
      s.jwt.identity_claim = jwt->get_string("identity_claim", "sub");
      s.jwt.require_exp = jwt->get_bool("require_exp", true);
    }
    s.mtls = auth->get_bool("mtls", false);
  }
  if (rate_limit != nullptr && rate_limit->is_map()) {
    s.rate_limit.rate = rate_limit->get_number("rate", 0);
    s.rate_limit.burst = rate_limit->get_number("burst", 0);
    s.rate_limit.max_clients =
        static_cast<std::size_t>(std::max<std::int64_t>(1, rate_limit->get_int("max_clients", 10000)));
  }
  return s;
}

}  // namespace simpul::http
