#include "security/jwt_verifier.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <cmath>
#include <cstring>
#include <optional>

#include "security/crypto.h"

namespace simpul::security {
namespace {

using fail = std::unexpected<auth_reason>;

std::optional<jwt_alg> parse_alg(std::string_view s) {
  if (s == "HS256") return jwt_alg::hs256;
  if (s == "RS256") return jwt_alg::rs256;
  if (s == "ES256") return jwt_alg::es256;
  return std::nullopt;  // includes "none" and every other algorithm
}

bool parse_object(std::string_view text, rapidjson::Document& doc) {
  // Without kParseStopWhenDone, trailing junk after the object is an error.
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  // Duplicate members would let two parsers disagree on a claim.
  for (auto a = doc.MemberBegin(); a != doc.MemberEnd(); ++a)
    for (auto b = a + 1; b != doc.MemberEnd(); ++b)
      if (a->name == b->name) return false;
  return true;
}

std::optional<std::string_view> string_member(const rapidjson::Value& obj, const char* name,
                                              bool& malformed) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return std::nullopt;
  if (!it->value.IsString()) {
    malformed = true;
    return std::nullopt;
  }
  return std::string_view(it->value.GetString(), it->value.GetStringLength());
}

std::optional<std::int64_t> time_member(const rapidjson::Value& obj, const char* name,
                                        bool& malformed) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return std::nullopt;
  if (!it->value.IsNumber()) {
    malformed = true;
    return std::nullopt;
  }
  double d = it->value.GetDouble();
  if (!std::isfinite(d) || d < 0 || d > 1e13) {
    malformed = true;
    return std::nullopt;
  }
  return static_cast<std::int64_t>(d);
}

// JOSE carries ECDSA signatures as r||s (32 bytes each for P-256);
// OpenSSL wants a DER SEQUENCE of two INTEGERs.
std::optional<std::string> jose_to_der(std::string_view sig) {
  if (sig.size() != 64) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
  BIGNUM* r = BN_bin2bn(p, 32, nullptr);
  BIGNUM* s = BN_bin2bn(p + 32, 32, nullptr);
  ECDSA_SIG* es = ECDSA_SIG_new();
  if (r == nullptr || s == nullptr || es == nullptr || ECDSA_SIG_set0(es, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(es, &der);
  ECDSA_SIG_free(es);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

bool verify_public(EVP_PKEY* key, std::string_view input, std::string_view sig) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

bool verify_with(const jwt_key& key, std::string_view input, std::string_view sig) {
  switch (key.alg) {
    case jwt_alg::hs256: {
      auto mac = crypto::hmac_sha256(key.secret, input);
      return crypto::equal_ct(crypto::bytes_view(mac), crypto::as_bytes(sig));
    }
    case jwt_alg::rs256: return verify_public(key.public_key.get(), input, sig);
    case jwt_alg::es256: {
      auto der = jose_to_der(sig);
      return der && verify_public(key.public_key.get(), input, *der);
    }
  }
  return false;
}

bool audience_matches(const rapidjson::Value& aud, const std::vector<std::string>& wanted) {
  auto one = [&](const rapidjson::Value& v) {
    if (!v.IsString()) return false;
    std::string_view s(v.GetString(), v.GetStringLength());
    for (const auto& w : wanted)
      if (s == w) return true;
    return false;
  };
  if (aud.IsString()) return one(aud);
  if (aud.IsArray()) {
    for (const auto& v : aud.GetArray())
      if (one(v)) return true;
  }
  return false;
}

}  // namespace

std::expected<jwt_claims, auth_reason> jwt_verifier::verify(
    std::string_view token, std::chrono::system_clock::time_point now) const {
  if (token.empty()) return fail(auth_reason::no_credentials);
  if (token.size() > opts_.max_token_size) return fail(auth_reason::token_too_large);
  std::size_t d1 = token.find('.');
  std::size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
    return fail(auth_reason::malformed_credentials);
  auto header_text = crypto::base64url_decode(token.substr(0, d1));
  auto payload_text = crypto::base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
  auto sig = crypto::base64url_decode(token.substr(d2 + 1));
  if (!header_text || !payload_text || !sig) return fail(auth_reason::malformed_credentials);

  rapidjson::Document header;
  if (!parse_object(*header_text, header)) return fail(auth_reason::malformed_credentials);
  bool malformed = false;
  auto alg_name = string_member(header, "alg", malformed);
  auto kid = string_member(header, "kid", malformed);
  if (malformed || !alg_name) return fail(auth_reason::malformed_credentials);
  auto alg = parse_alg(*alg_name);
  // We implement no JWS extensions, so any "crit" header must be refused.
  if (!alg || header.HasMember("crit")) return fail(auth_reason::unsupported_algorithm);

  // Key selection: the kid narrows the set (a key configured without kid,
  // e.g. a single PEM key, matches any kid); the alg must be the key's own.
  auto kid_ok = [&](const jwt_key& k) { return !kid || k.kid.empty() || k.kid == *kid; };
  bool kid_seen = false;
  bool verified = false;
  for (const jwt_key& k : keys_->keys()) {
    if (!kid_ok(k)) continue;
    kid_seen = true;
    if (k.alg != *alg) continue;
    if (verify_with(k, token.substr(0, d2), *sig)) {
      verified = true;
      break;
    }
    if (kid && !k.kid.empty()) return fail(auth_reason::bad_signature);
  }
  if (!verified) {
    if (kid && !kid_seen) return fail(auth_reason::unknown_key);
    bool alg_offered = false;
    for (const jwt_key& k : keys_->keys())
      if (kid_ok(k) && k.alg == *alg) alg_offered = true;
    return fail(alg_offered ? auth_reason::bad_signature : auth_reason::unsupported_algorithm);
  }

  rapidjson::Document payload;
  if (!parse_object(*payload_text, payload)) return fail(auth_reason::malformed_credentials);
  auto exp = time_member(payload, "exp", malformed);
  auto nbf = time_member(payload, "nbf", malformed);
  auto iat = time_member(payload, "iat", malformed);
  auto iss = string_member(payload, "iss", malformed);
  auto sub = string_member(payload, "sub", malformed);
  if (malformed) return fail(auth_reason::malformed_credentials);

  const std::int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::int64_t leeway = opts_.leeway.count();
  if (exp) {
    if (t > *exp + leeway) return fail(auth_reason::expired);
  } else if (opts_.require_exp) {
    return fail(auth_reason::malformed_credentials);
  }
  if (nbf && t + leeway < *nbf) return fail(auth_reason::not_yet_valid);
  if (iat && t + leeway < *iat) return fail(auth_reason::not_yet_valid);
  if (!opts_.issuer.empty() && (!iss || *iss != opts_.issuer))
    return fail(auth_reason::wrong_issuer);
  if (!opts_.audiences.empty()) {
    auto aud = payload.FindMember("aud");
    if (aud == payload.MemberEnd() || !audience_matches(aud->value, opts_.audiences))
      return fail(auth_reason::wrong_audience);
  }

  jwt_claims out;
  auto id = payload.FindMember(opts_.identity_claim.c_str());
  if (id == payload.MemberEnd() || !id->value.IsString() || id->value.GetStringLength() == 0)
    return fail(auth_reason::missing_identity);
  out.identity.assign(id->value.GetString(), id->value.GetStringLength());
  if (sub) out.subject = *sub;
  if (iss) out.issuer = *iss;
  if (kid) out.kid = *kid;
  out.alg = *alg;
  out.expires_at = exp.value_or(0);
  return out;
}

auth_result jwt_verifier::authenticate_header(std::string_view authorization) const {
  if (authorization.empty()) return std::unexpected(auth_reason::no_credentials);
  constexpr std::string_view bearer = "bearer ";
  if (authorization.size() <= bearer.size()) return std::unexpected(auth_reason::malformed_credentials);
  for (std::size_t i = 0; i < bearer.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != bearer[i]) return std::unexpected(auth_reason::malformed_credentials);
  }
  std::string_view token = authorization.substr(bearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  auto claims = verify(token);
  if (!claims) return std::unexpected(claims.error());
  return std::move(claims->identity);
}

}  // namespace simpul::security
