#include "security/jwt_verifier.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>

#include "security/crypto.h"
#include "test_util.h"

namespace simpul::security {
namespace {

// Tokens come from node's crypto (tests/security/jwt_helper.mjs), an
// implementation independent of ours, generated fresh for each run.
class JwtVerifier : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::temp_dir();
    auto r = test::run("node " + test::source_path("tests/security/jwt_helper.mjs") + " " +
                       dir_->path().string());
    ASSERT_EQ(r.status, 0) << r.output;
    rapidjson::Document doc;
    std::string text = test::read_file(dir_->file("tokens.json"));
    doc.Parse(text.c_str());
    ASSERT_TRUE(doc.IsObject());
    tokens_ = new std::map<std::string, std::string>();
    for (auto& m : doc.GetObject()) (*tokens_)[m.name.GetString()] = m.value.GetString();
  }
  static void TearDownTestSuite() {
    delete tokens_;
    delete dir_;
  }

  static const std::string& tok(const std::string& name) { return tokens_->at(name); }
  static jwt_options opts() {
    jwt_options o;
    o.issuer = "https://sso.example.go.id";
    o.audiences = {"simpul"};
    o.leeway = std::chrono::seconds(30);
    return o;
  }
  static jwt_verifier jwks_verifier(jwt_options o = opts()) {
    auto set = jwt_key_set::from_jwks_file(dir_->file("jwks.json"));
    EXPECT_TRUE(set) << (set ? "" : set.error().message);
    return jwt_verifier(std::make_shared<jwt_key_set>(std::move(*set)), std::move(o));
  }
  static jwt_verifier pem_verifier() {
    auto set = jwt_key_set::from_pem_public_key(test::read_file(dir_->file("rsa_public.pem")));
    EXPECT_TRUE(set) << (set ? "" : set.error().message);
    return jwt_verifier(std::make_shared<jwt_key_set>(std::move(*set)), opts());
  }
  static jwt_verifier hmac_verifier() {
    auto secret = crypto::from_hex(test::read_file(dir_->file("hmac_secret.hex")));
    auto set = jwt_key_set::from_hmac_secret(*secret);
    EXPECT_TRUE(set);
    return jwt_verifier(std::make_shared<jwt_key_set>(std::move(*set)), opts());
  }
  static void expect_reject(const jwt_verifier& v, const std::string& name, auth_reason why) {
    auto r = v.verify(tok(name));
    ASSERT_FALSE(r) << name << " was accepted";
    EXPECT_EQ(r.error(), why) << name << ": got " << to_string(r.error());
  }

  static test::temp_dir* dir_;
  static std::map<std::string, std::string>* tokens_;
};
test::temp_dir* JwtVerifier::dir_ = nullptr;
std::map<std::string, std::string>* JwtVerifier::tokens_ = nullptr;

TEST_F(JwtVerifier, AcceptsAllThreeAlgorithmsFromJwks) {
  auto v = jwks_verifier();
  for (const char* name : {"rs256_ok", "es256_ok", "hs256_ok", "aud_array_ok", "no_kid_rs256"}) {
    auto r = v.verify(tok(name));
    ASSERT_TRUE(r) << name << ": " << to_string(r.error());
    EXPECT_EQ(r->identity, "dukcapil-app");
    EXPECT_EQ(r->issuer, "https://sso.example.go.id");
  }
  EXPECT_EQ(v.verify(tok("es256_ok"))->alg, jwt_alg::es256);
  EXPECT_EQ(v.verify(tok("es256_ok"))->kid, "ec1");
}

TEST_F(JwtVerifier, PemKeyAndHmacSecret) {
  EXPECT_TRUE(pem_verifier().verify(tok("rs256_ok")));
  EXPECT_TRUE(hmac_verifier().verify(tok("hs256_ok")));
  // A key configured without kid (PEM) serves tokens with or without one.
  EXPECT_EQ(pem_verifier().verify(tok("no_kid_rs256"))->identity, "dukcapil-app");
}

TEST_F(JwtVerifier, ConfiguredIdentityClaim) {
  auto o = opts();
  o.identity_claim = "client_id";
  auto r = jwks_verifier(o).verify(tok("rs256_ok"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->identity, "app-42");
  EXPECT_EQ(r->subject, "dukcapil-app");
}

TEST_F(JwtVerifier, RefusesAlgNone) {
  auto v = jwks_verifier();
  expect_reject(v, "alg_none", auth_reason::unsupported_algorithm);
  expect_reject(v, "alg_none_kid", auth_reason::unsupported_algorithm);
  expect_reject(v, "alg_none_upper", auth_reason::unsupported_algorithm);
}

TEST_F(JwtVerifier, RefusesAlgorithmConfusion) {
  auto v = jwks_verifier();
  expect_reject(v, "hs256_with_rsa_pem", auth_reason::unsupported_algorithm);
  expect_reject(v, "rs256_claimed_on_ec_key", auth_reason::unsupported_algorithm);
  // Without kid the HS256 token can only reach the real HMAC key: bad signature.
  expect_reject(v, "hs256_with_rsa_pem_nokid", auth_reason::bad_signature);
  expect_reject(pem_verifier(), "hs256_with_rsa_pem_nokid", auth_reason::unsupported_algorithm);
  expect_reject(pem_verifier(), "hs256_with_rsa_pem", auth_reason::unsupported_algorithm);
}

TEST_F(JwtVerifier, RefusesBadClaims) {
  auto v = jwks_verifier();
  expect_reject(v, "expired", auth_reason::expired);
  expect_reject(v, "not_yet_valid", auth_reason::not_yet_valid);
  expect_reject(v, "iat_future", auth_reason::not_yet_valid);
  expect_reject(v, "wrong_aud", auth_reason::wrong_audience);
  expect_reject(v, "wrong_aud_array", auth_reason::wrong_audience);
  expect_reject(v, "wrong_iss", auth_reason::wrong_issuer);
  expect_reject(v, "no_exp", auth_reason::malformed_credentials);
  expect_reject(v, "no_sub", auth_reason::missing_identity);
}

TEST_F(JwtVerifier, LeewayAndInjectedClock) {
  auto v = jwks_verifier();
  auto now = std::chrono::system_clock::now();
  // Valid now, expired 11 minutes later (exp = now + 600, leeway 30 s).
  EXPECT_TRUE(v.verify(tok("rs256_ok"), now + std::chrono::seconds(600)));
  EXPECT_EQ(v.verify(tok("rs256_ok"), now + std::chrono::seconds(660)).error(),
            auth_reason::expired);
  // The not-yet-valid token (nbf = now + 3600) becomes valid an hour later.
  EXPECT_TRUE(v.verify(tok("not_yet_valid"), now + std::chrono::seconds(3600)));
}

TEST_F(JwtVerifier, RefusesTamperingAndBadEncoding) {
  auto v = jwks_verifier();
  expect_reject(v, "tampered", auth_reason::bad_signature);
  expect_reject(v, "wrong_kid", auth_reason::unknown_key);
  expect_reject(v, "bad_base64", auth_reason::malformed_credentials);
  expect_reject(v, "padded_base64", auth_reason::malformed_credentials);
  expect_reject(v, "es256_der_sig", auth_reason::bad_signature);
  expect_reject(v, "crit_header", auth_reason::unsupported_algorithm);
  expect_reject(v, "two_parts", auth_reason::malformed_credentials);
  expect_reject(v, "huge", auth_reason::token_too_large);
  EXPECT_EQ(v.verify("").error(), auth_reason::no_credentials);
  EXPECT_EQ(v.verify("a.b.c.d").error(), auth_reason::malformed_credentials);
  EXPECT_EQ(v.verify("..").error(), auth_reason::malformed_credentials);
}

TEST_F(JwtVerifier, BearerHeader) {
  auto v = jwks_verifier();
  EXPECT_EQ(v.authenticate_header("Bearer " + tok("es256_ok")), "dukcapil-app");
  EXPECT_EQ(v.authenticate_header("bearer  " + tok("es256_ok")), "dukcapil-app");
  EXPECT_EQ(v.authenticate_header("Basic abc").error(), auth_reason::malformed_credentials);
  EXPECT_EQ(v.authenticate_header("").error(), auth_reason::no_credentials);
  EXPECT_EQ(v.authenticate_header("Bearer " + tok("expired")).error(), auth_reason::expired);
}

TEST(JwtKeySet, RefusesWeakOrInconsistentKeys) {
  EXPECT_FALSE(jwt_key_set::from_hmac_secret("short"));
  EXPECT_FALSE(jwt_key_set::from_jwks("{\"keys\":[]}"));
  EXPECT_FALSE(jwt_key_set::from_jwks("[]"));
  EXPECT_FALSE(jwt_key_set::from_jwks(R"({"keys":[{"kty":"oct","k":"c2hvcnQ"}]})"));
  EXPECT_FALSE(jwt_key_set::from_jwks(
      R"({"keys":[{"kty":"oct","alg":"RS256","k":"MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE"}]})"));
  EXPECT_FALSE(jwt_key_set::from_jwks(R"({"keys":[{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}]})"));
  // A 1024-bit RSA key is refused.
  test::temp_dir dir;
  auto r = test::run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out " +
                     dir.file("k.pem") + " && openssl pkey -in " + dir.file("k.pem") +
                     " -pubout -out " + dir.file("pub.pem"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(jwt_key_set::from_pem_public_key(test::read_file(dir.file("pub.pem"))));
  // Encryption keys are skipped.
  auto enc = jwt_key_set::from_jwks(
      R"({"keys":[{"kty":"oct","use":"enc","k":"MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE"}]})");
  EXPECT_FALSE(enc);
}

}  // namespace
}  // namespace simpul::security
