#include "security/peer_identity.h"

#include <openssl/x509v3.h>

namespace simpul::security {
namespace {

std::string asn1_text(const ASN1_STRING* s) {
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, s);
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace

std::string peer_identity::name() const {
  if (!common_name.empty()) return common_name;
  if (!dns_names.empty()) return dns_names.front();
  if (!uris.empty()) return uris.front();
  if (!emails.empty()) return emails.front();
  return {};
}

peer_identity identity_of(X509* cert) {
  peer_identity id;
  if (cert == nullptr) return id;
  X509_NAME* subject = X509_get_subject_name(cert);
  int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (idx >= 0)
    id.common_name = asn1_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx)));
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return id;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
    switch (g->type) {
      case GEN_DNS: id.dns_names.push_back(asn1_text(g->d.dNSName)); break;
      case GEN_URI: id.uris.push_back(asn1_text(g->d.uniformResourceIdentifier)); break;
      case GEN_EMAIL: id.emails.push_back(asn1_text(g->d.rfc822Name)); break;
      default: break;
    }
  }
  GENERAL_NAMES_free(names);
  return id;
}

result<peer_identity> verified_peer_identity(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return make_error("tls.no_peer_cert", "peer sent no certificate");
  long v = SSL_get_verify_result(ssl);
  if (v != X509_V_OK) {
    X509_free(cert);
    return make_error("tls.peer_unverified",
                      std::string("peer certificate not verified: ") +
                          X509_verify_cert_error_string(v));
  }
  peer_identity id = identity_of(cert);
  X509_free(cert);
  return id;
}

}  // namespace simpul::security
