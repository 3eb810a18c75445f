#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "security/error.h"

namespace simpul::security {

/// The key that authenticates audit records: an HMAC-SHA256 secret (the
/// same key writes and verifies) or Ed25519 (the hub holds the private key,
/// auditors verify with the public key only). Immutable; thread-safe.
class audit_key {
 public:
  enum class kind { hmac_sha256, ed25519 };

  static result<audit_key> hmac(std::string secret);  ///< at least 32 bytes
  /// PKCS#8 PEM private key ("BEGIN PRIVATE KEY"); can sign and verify.
  static result<audit_key> ed25519_private_pem(std::string_view pem);
  /// SubjectPublicKeyInfo PEM; verify only.
  static result<audit_key> ed25519_public_pem(std::string_view pem);
  /// HMAC: the file's bytes minus trailing CR/LF; Ed25519: a PEM key.
  static result<audit_key> from_file(kind k, const std::string& path, bool private_key);

  struct pem_pair {
    std::string private_pem;
    std::string public_pem;
  };
  /// A fresh Ed25519 key pair (the CLI exposes this).
  static result<pem_pair> generate_ed25519();

  kind type() const { return kind_; }
  bool can_sign() const { return kind_ == kind::hmac_sha256 || has_private_; }
  /// "hmac-sha256" / "ed25519": the scheme label stored in each record.
  std::string_view scheme() const;

  /// Lower-case hex MAC, or hex Ed25519 signature.
  result<std::string> sign(std::string_view data) const;
  bool verify(std::string_view data, std::string_view hex_sig) const;

 private:
  kind kind_ = kind::hmac_sha256;
  std::string secret_;
  std::shared_ptr<EVP_PKEY> pkey_;
  bool has_private_ = false;
};

}  // namespace simpul::security
