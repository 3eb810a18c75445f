#pragma once

#include <utility>  // before Boost.Asio in C++23 mode

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "security/error.h"

namespace simpul::security {

enum class tls_version { tls1_2, tls1_3 };

/// Client-certificate policy of a server context.
enum class client_cert_mode {
  none,      ///< do not ask for a client certificate
  optional,  ///< ask; verify it when sent; a missing certificate is allowed
  require,   ///< ask and refuse the handshake without a valid certificate
};

struct server_tls_options {
  std::string cert_file;     ///< PEM, leaf first then intermediates
  std::string key_file;      ///< PEM private key
  std::string key_password;  ///< empty when the key is not encrypted
  client_cert_mode client_certs = client_cert_mode::none;
  std::string client_ca_file;  ///< PEM bundle trusted for client certificates
  std::string crl_file;        ///< optional PEM CRL(s), checked for leaf certificates
  tls_version min_version = tls_version::tls1_2;
  /// Empty: the modern defaults (ECDHE + AEAD for TLS 1.2, OpenSSL's TLS 1.3 suites).
  std::string cipher_list;
  std::string ciphersuites;
};

struct client_tls_options {
  bool verify_peer = true;   ///< turning this off is for tests and is logged by the caller
  std::string ca_file;       ///< empty: the system trust store
  std::string server_name;   ///< expected host name (checked against SAN/CN); empty: none
  std::string cert_file;     ///< optional client certificate (mTLS)
  std::string key_file;
  std::string key_password;
  tls_version min_version = tls_version::tls1_2;
  std::string cipher_list;
  std::string ciphersuites;
};

/// An OpenSSL context for one listener or one outbound client, wrapped in a
/// `boost::asio::ssl::context` so Beast's `ssl_stream` takes it directly.
///
/// Lifecycle: built once from options (`make_server`/`make_client`);
/// `reload()` re-reads the files into a NEW context and swaps it in, so a
/// certificate rotation needs no restart. Sessions call `current()` when
/// they start and keep the returned shared_ptr for their lifetime: existing
/// connections keep the old context, new ones get the new one.
/// Threading: `current()` and `reload()` are safe from any thread. The
/// returned asio context must not be mutated after it is handed out.
/// Ownership: the hub owns the tls_context (one per listener/client config).
class tls_context {
 public:
  using context_ptr = std::shared_ptr<boost::asio::ssl::context>;

  static result<tls_context> make_server(server_tls_options opts);
  static result<tls_context> make_client(client_tls_options opts);

  context_ptr current() const;
  /// Rebuilds from the files; on failure the previous context stays active.
  result<void> reload();

  bool is_server() const { return state_->server.has_value(); }

  /// Per-connection client setup: SNI and host-name verification for
  /// `host` (falls back to the configured `server_name` when empty).
  /// Call on the SSL* of the stream before the handshake.
  result<void> prepare_client_connection(SSL* ssl, std::string host = {}) const;

 private:
  struct state {
    std::mutex mutex;
    context_ptr ctx;
    std::optional<server_tls_options> server;
    std::optional<client_tls_options> client;
  };
  tls_context() : state_(std::make_unique<state>()) {}
  static result<context_ptr> build_server(const server_tls_options& o);
  static result<context_ptr> build_client(const client_tls_options& o);

  std::unique_ptr<state> state_;
};

}  // namespace simpul::security
