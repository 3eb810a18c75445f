#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "security/error.h"

namespace simpul::security {

/// The JWS algorithms accepted. `none` and everything else is refused.
enum class jwt_alg { hs256, rs256, es256 };

std::string_view to_string(jwt_alg a);

/// One verification key. Each key admits exactly ONE algorithm, fixed by the
/// key type when it is loaded (oct -> HS256, RSA -> RS256, EC P-256 ->
/// ES256), so a token cannot pick how its key is used (algorithm confusion:
/// an HS256 token "signed" with an RSA public key's bytes finds no HS256 key).
struct jwt_key {
  std::string kid;  ///< empty when the source has none
  jwt_alg alg = jwt_alg::hs256;
  std::shared_ptr<EVP_PKEY> public_key;  ///< RSA/EC
  std::string secret;                    ///< HMAC
};

/// The keys a verifier trusts, from a JWKS document, a PEM public key or an
/// HMAC secret. Immutable after construction; share as
/// `shared_ptr<const jwt_key_set>`; to rotate, load a new set and swap the
/// verifier. Thread-safe for concurrent reads.
class jwt_key_set {
 public:
  /// RFC 7517 JSON: {"keys":[{kty:"RSA",n,e}|{kty:"EC",crv:"P-256",x,y}|{kty:"oct",k}]}.
  /// Keys with `use` other than "sig" are skipped; an `alg` member must agree
  /// with the key type. RSA keys under 2048 bits and HMAC secrets under 32
  /// bytes are refused.
  static result<jwt_key_set> from_jwks(std::string_view json);
  static result<jwt_key_set> from_jwks_file(const std::string& path);
  /// SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"), RSA or EC P-256.
  static result<jwt_key_set> from_pem_public_key(std::string_view pem, std::string kid = {});
  static result<jwt_key_set> from_hmac_secret(std::string secret, std::string kid = {});

  const std::vector<jwt_key>& keys() const { return keys_; }
  void add(jwt_key k) { keys_.push_back(std::move(k)); }

 private:
  std::vector<jwt_key> keys_;
};

}  // namespace simpul::security
