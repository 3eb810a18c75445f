#pragma once

#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "security/error.h"

namespace simpul::security {

/// Who is at the other end of a TLS connection, taken from the verified
/// peer certificate. `name()` is the identity used for ACLs and audit:
/// the subject CN, else the first SAN (DNS, then URI, then e-mail).
struct peer_identity {
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> uris;
  std::vector<std::string> emails;

  std::string name() const;
};

/// Fields of one certificate, without any trust decision.
peer_identity identity_of(X509* cert);

/// Identity of the peer of a finished handshake: an error when the peer sent
/// no certificate or when its verification failed. Safe to call on the
/// connection's strand after the handshake completes.
result<peer_identity> verified_peer_identity(SSL* ssl);

}  // namespace simpul::security
