#include "security/jwt_keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <rapidjson/document.h>

#include "security/crypto.h"
#include "security/file_util.h"

namespace simpul::security {
namespace {

constexpr std::size_t min_hmac_secret = 32;
constexpr int min_rsa_bits = 2048;

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* k) { return {k, EVP_PKEY_free}; }

std::optional<std::string> b64_member(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return crypto::base64url_decode({it->value.GetString(), it->value.GetStringLength()});
}

std::string str_member(const rapidjson::Value& v, const char* name) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd() || !it->value.IsString()) return {};
  return {it->value.GetString(), it->value.GetStringLength()};
}

result<std::shared_ptr<EVP_PKEY>> from_params(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  bool ok = params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  if (!ok) return make_error("jwt.key", std::string(type) + " key rejected: " + crypto::last_openssl_error());
  return own(key);
}

result<std::shared_ptr<EVP_PKEY>> rsa_from_jwk(const rapidjson::Value& v) {
  auto n = b64_member(v, "n");
  auto e = b64_member(v, "e");
  if (!n || !e || n->empty() || e->empty()) return make_error("jwt.key", "RSA key needs n and e");
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  result<std::shared_ptr<EVP_PKEY>> out = make_error("jwt.key", "RSA key rejected");
  if (bn_n && bn_e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1)
    out = from_params("RSA", bld);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  return out;
}

result<std::shared_ptr<EVP_PKEY>> ec_from_jwk(const rapidjson::Value& v) {
  if (str_member(v, "crv") != "P-256") return make_error("jwt.key", "EC key must be crv P-256");
  auto x = b64_member(v, "x");
  auto y = b64_member(v, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32)
    return make_error("jwt.key", "EC key needs 32-byte x and y");
  std::string point = "\x04" + *x + *y;
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  result<std::shared_ptr<EVP_PKEY>> out = make_error("jwt.key", "EC key rejected");
  if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1)
    out = from_params("EC", bld);
  OSSL_PARAM_BLD_free(bld);
  return out;
}

// Decides the single algorithm a public key may verify, refusing weak keys.
result<jwt_alg> alg_for(EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(key) < min_rsa_bits) return make_error("jwt.key", "RSA key under 2048 bits");
    return jwt_alg::rs256;
  }
  if (id == EVP_PKEY_EC) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1 ||
        (std::string_view(group) != "prime256v1" && std::string_view(group) != "P-256"))
      return make_error("jwt.key", "EC key must be on P-256");
    return jwt_alg::es256;
  }
  return make_error("jwt.key", "unsupported public key type");
}

}  // namespace

std::string_view to_string(jwt_alg a) {
  switch (a) {
    case jwt_alg::hs256: return "HS256";
    case jwt_alg::rs256: return "RS256";
    case jwt_alg::es256: return "ES256";
  }
  return "?";
}

result<jwt_key_set> jwt_key_set::from_jwks(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return make_error("jwt.jwks", "JWKS is not a JSON object");
  auto keys = doc.FindMember("keys");
  if (keys == doc.MemberEnd() || !keys->value.IsArray())
    return make_error("jwt.jwks", "JWKS needs a 'keys' array");
  jwt_key_set set;
  int index = 0;
  for (const auto& v : keys->value.GetArray()) {
    std::string where = "keys[" + std::to_string(index++) + "]: ";
    if (!v.IsObject()) return make_error("jwt.jwks", where + "not an object");
    std::string use = str_member(v, "use");
    if (!use.empty() && use != "sig") continue;
    std::string kty = str_member(v, "kty");
    jwt_key k;
    k.kid = str_member(v, "kid");
    if (kty == "oct") {
      auto secret = b64_member(v, "k");
      if (!secret || secret->size() < min_hmac_secret)
        return make_error("jwt.jwks", where + "oct key needs k of at least 32 bytes");
      k.alg = jwt_alg::hs256;
      k.secret = std::move(*secret);
    } else if (kty == "RSA" || kty == "EC") {
      auto key = kty == "RSA" ? rsa_from_jwk(v) : ec_from_jwk(v);
      if (!key) return make_error("jwt.jwks", where + key.error().message);
      auto alg = alg_for(key->get());
      if (!alg) return make_error("jwt.jwks", where + alg.error().message);
      k.alg = *alg;
      k.public_key = std::move(*key);
    } else {
      return make_error("jwt.jwks", where + "unsupported kty '" + kty + "'");
    }
    std::string alg = str_member(v, "alg");
    if (!alg.empty() && alg != to_string(k.alg))
      return make_error("jwt.jwks", where + "alg '" + alg + "' does not fit the key type");
    set.keys_.push_back(std::move(k));
  }
  if (set.keys_.empty()) return make_error("jwt.jwks", "JWKS holds no signature key");
  return set;
}

result<jwt_key_set> jwt_key_set::from_jwks_file(const std::string& path) {
  auto text = read_whole_file(path, "jwt.jwks");
  if (!text) return std::unexpected(text.error());
  return from_jwks(*text);
}

result<jwt_key_set> jwt_key_set::from_pem_public_key(std::string_view pem, std::string kid) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* raw = bio ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (raw == nullptr) return make_error("jwt.key", "not a PEM public key");
  auto key = own(raw);
  auto alg = alg_for(raw);
  if (!alg) return std::unexpected(alg.error());
  jwt_key_set set;
  set.keys_.push_back(jwt_key{std::move(kid), *alg, std::move(key), {}});
  return set;
}

result<jwt_key_set> jwt_key_set::from_hmac_secret(std::string secret, std::string kid) {
  if (secret.size() < min_hmac_secret)
    return make_error("jwt.key", "HMAC secret must be at least 32 bytes");
  jwt_key_set set;
  set.keys_.push_back(jwt_key{std::move(kid), jwt_alg::hs256, nullptr, std::move(secret)});
  return set;
}

}  // namespace simpul::security
