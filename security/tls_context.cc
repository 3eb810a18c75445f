#include "security/tls_context.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include "security/crypto.h"

namespace simpul::security {
namespace {

// Forward secrecy and AEAD only for TLS 1.2; TLS 1.3 suites are all modern.
constexpr const char* default_cipher_list =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* default_ciphersuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

struct ctx_free {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using ctx_holder = std::unique_ptr<SSL_CTX, ctx_free>;

std::unexpected<error> ssl_error(std::string code, const std::string& what) {
  return make_error(std::move(code), what + ": " + crypto::last_openssl_error());
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

result<void> apply_common(SSL_CTX* ctx, tls_version min, const std::string& ciphers,
                          const std::string& suites) {
  int v = min == tls_version::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(ctx, v) != 1) return ssl_error("tls.version", "min version");
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  const std::string& cl = ciphers.empty() ? std::string(default_cipher_list) : ciphers;
  if (SSL_CTX_set_cipher_list(ctx, cl.c_str()) != 1)
    return ssl_error("tls.ciphers", "invalid cipher list");
  const std::string& cs = suites.empty() ? std::string(default_ciphersuites) : suites;
  if (SSL_CTX_set_ciphersuites(ctx, cs.c_str()) != 1)
    return ssl_error("tls.ciphers", "invalid TLS 1.3 ciphersuites");
  return {};
}

result<void> load_key_pair(SSL_CTX* ctx, const std::string& cert_file, const std::string& key_file,
                           const std::string& password) {
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1)
    return ssl_error("tls.cert_file", "cannot load certificate chain '" + cert_file + "'");
  // Read the key ourselves so a password needs no ctx callback userdata
  // (asio's context destructor owns that slot).
  BIO* bio = BIO_new_file(key_file.c_str(), "r");
  if (bio == nullptr) return ssl_error("tls.key_file", "cannot open key '" + key_file + "'");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(
      bio, nullptr, nullptr, password.empty() ? nullptr : const_cast<char*>(password.c_str()));
  BIO_free(bio);
  if (key == nullptr) return ssl_error("tls.key_file", "cannot read key '" + key_file + "'");
  int ok = SSL_CTX_use_PrivateKey(ctx, key);
  EVP_PKEY_free(key);
  if (ok != 1) return ssl_error("tls.key_file", "cannot use key '" + key_file + "'");
  if (SSL_CTX_check_private_key(ctx) != 1)
    return ssl_error("tls.key_file", "key does not match certificate '" + cert_file + "'");
  return {};
}

result<tls_context::context_ptr> wrap(ctx_holder ctx) {
  try {
    return std::make_shared<boost::asio::ssl::context>(ctx.release());
  } catch (const std::exception& e) {
    return make_error("tls.context", e.what());
  }
}

}  // namespace

result<tls_context::context_ptr> tls_context::build_server(const server_tls_options& o) {
  ctx_holder ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return ssl_error("tls.context", "SSL_CTX_new");
  if (auto r = apply_common(ctx.get(), o.min_version, o.cipher_list, o.ciphersuites); !r)
    return std::unexpected(r.error());
  SSL_CTX_set_options(ctx.get(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (auto r = load_key_pair(ctx.get(), o.cert_file, o.key_file, o.key_password); !r)
    return std::unexpected(r.error());

  if (o.client_certs != client_cert_mode::none) {
    if (o.client_ca_file.empty())
      return make_error("tls.client_ca_file", "client certificates need a client_ca_file");
    if (SSL_CTX_load_verify_locations(ctx.get(), o.client_ca_file.c_str(), nullptr) != 1)
      return ssl_error("tls.client_ca_file", "cannot load '" + o.client_ca_file + "'");
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(o.client_ca_file.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(ctx.get(), names);
    int mode = SSL_VERIFY_PEER;
    if (o.client_certs == client_cert_mode::require) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx.get(), mode, nullptr);
    // Session resumption with client verification needs a context id.
    static const unsigned char sid[] = "simpul";
    SSL_CTX_set_session_id_context(ctx.get(), sid, sizeof sid - 1);
    if (!o.crl_file.empty()) {
      X509_STORE* store = SSL_CTX_get_cert_store(ctx.get());
      X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
      if (lookup == nullptr ||
          X509_load_crl_file(lookup, o.crl_file.c_str(), X509_FILETYPE_PEM) <= 0)
        return ssl_error("tls.crl_file", "cannot load CRL '" + o.crl_file + "'");
      X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
    }
  }
  return wrap(std::move(ctx));
}

result<tls_context::context_ptr> tls_context::build_client(const client_tls_options& o) {
  ctx_holder ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return ssl_error("tls.context", "SSL_CTX_new");
  if (auto r = apply_common(ctx.get(), o.min_version, o.cipher_list, o.ciphersuites); !r)
    return std::unexpected(r.error());
  if (o.verify_peer) {
    int ok = o.ca_file.empty()
                 ? SSL_CTX_set_default_verify_paths(ctx.get())
                 : SSL_CTX_load_verify_locations(ctx.get(), o.ca_file.c_str(), nullptr);
    if (ok != 1) return ssl_error("tls.ca_file", "cannot load trust store '" + o.ca_file + "'");
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (!o.server_name.empty()) {
      X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx.get());
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      int set = is_ip_literal(o.server_name)
                    ? X509_VERIFY_PARAM_set1_ip_asc(param, o.server_name.c_str())
                    : X509_VERIFY_PARAM_set1_host(param, o.server_name.c_str(), 0);
      if (set != 1) return ssl_error("tls.server_name", "invalid server_name");
    }
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  if (!o.cert_file.empty() || !o.key_file.empty()) {
    if (auto r = load_key_pair(ctx.get(), o.cert_file, o.key_file, o.key_password); !r)
      return std::unexpected(r.error());
  }
  return wrap(std::move(ctx));
}

result<tls_context> tls_context::make_server(server_tls_options opts) {
  auto ctx = build_server(opts);
  if (!ctx) return std::unexpected(ctx.error());
  tls_context t;
  t.state_->ctx = std::move(*ctx);
  t.state_->server = std::move(opts);
  return t;
}

result<tls_context> tls_context::make_client(client_tls_options opts) {
  auto ctx = build_client(opts);
  if (!ctx) return std::unexpected(ctx.error());
  tls_context t;
  t.state_->ctx = std::move(*ctx);
  t.state_->client = std::move(opts);
  return t;
}

tls_context::context_ptr tls_context::current() const {
  std::lock_guard lock(state_->mutex);
  return state_->ctx;
}

result<void> tls_context::reload() {
  // Files are read outside the lock; only the swap is serialised.
  auto ctx = state_->server ? build_server(*state_->server) : build_client(*state_->client);
  if (!ctx) return std::unexpected(ctx.error());
  std::lock_guard lock(state_->mutex);
  state_->ctx = std::move(*ctx);
  return {};
}

result<void> tls_context::prepare_client_connection(SSL* ssl, std::string host) const {
  if (!state_->client) return make_error("tls.usage", "not a client context");
  const client_tls_options& o = *state_->client;
  if (host.empty()) host = o.server_name;
  if (host.empty()) return {};
  bool ip = is_ip_literal(host);
  if (!ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1)
    return ssl_error("tls.server_name", "cannot set SNI");
  if (o.verify_peer) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    // Replace, not add to, the name inherited from the context.
    X509_VERIFY_PARAM_set1_host(param, nullptr, 0);
    X509_VERIFY_PARAM_set1_ip(param, nullptr, 0);
    int set = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                 : X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    if (set != 1) return ssl_error("tls.server_name", "invalid host name");
  }
  return {};
}

}  // namespace simpul::security
