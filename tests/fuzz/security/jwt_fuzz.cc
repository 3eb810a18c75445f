// Fuzzes the JWT verifier and the JWKS loader. The first byte picks a mode:
//   0: verify the rest as a compact token against HMAC, RSA and EC keys;
//   1: load the rest as a JWKS document;
//   2: "<header JSON>\n<payload JSON>" is signed with the HMAC key and
//      verified, so the claim checks behind the signature get exercised.
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "security/crypto.h"
#include "security/jwt_verifier.h"

namespace {

using namespace simpul::security;

const std::string secret(32, 's');

std::shared_ptr<const jwt_key_set> make_keys() {
  auto set = std::make_shared<jwt_key_set>(*jwt_key_set::from_hmac_secret(secret, "hs1"));
  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  EVP_PKEY* rsa = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  set->add(jwt_key{"ec1", jwt_alg::es256, {ec, EVP_PKEY_free}, {}});
  set->add(jwt_key{"rsa1", jwt_alg::rs256, {rsa, EVP_PKEY_free}, {}});
  return set;
}

const jwt_verifier& verifier() {
  static const jwt_verifier v = [] {
    jwt_options o;
    o.issuer = "iss";
    o.audiences = {"aud"};
    return jwt_verifier(make_keys(), o);
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1800000000));
  switch (data[0] % 3) {
    case 0: (void)verifier().verify(rest, now); break;
    case 1: (void)jwt_key_set::from_jwks(rest); break;
    case 2: {
      std::size_t nl = rest.find('\n');
      std::string_view header = nl == std::string_view::npos ? std::string_view("{\"alg\":\"HS256\"}")
                                                             : rest.substr(0, nl);
      std::string_view payload = nl == std::string_view::npos ? rest : rest.substr(nl + 1);
      std::string input = crypto::base64url_encode(crypto::as_bytes(header)) + "." +
                          crypto::base64url_encode(crypto::as_bytes(payload));
      auto mac = crypto::hmac_sha256(secret, input);
      std::string token = input + "." + crypto::base64url_encode(mac);
      auto r = verifier().verify(token, now);
      if (r && r->identity.empty()) __builtin_trap();  // identity is never empty
      break;
    }
  }
  return 0;
}
