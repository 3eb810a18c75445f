#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "security/acl.h"
#include "security/api_keys.h"
#include "security/basic_auth.h"
#include "security/crypto.h"
#include "security/password_hash.h"
#include "test_util.h"

namespace simpul::security {
namespace {

TEST(ApiKeys, HashedKeysAuthenticateTheirIdentity) {
  auto k1 = api_keys::generate_key();
  auto k2 = api_keys::generate_key();
  ASSERT_TRUE(k1 && k2);
  EXPECT_EQ(k1->size(), 43u);
  EXPECT_NE(*k1, *k2);
  auto keys = api_keys::make({{"dukcapil", api_keys::hash_key(*k1)},
                              {"bpjs", api_keys::hash_key(*k2)}});
  ASSERT_TRUE(keys) << keys.error().message;
  EXPECT_EQ(keys->authenticate(*k1), "dukcapil");
  EXPECT_EQ(keys->authenticate(*k2), "bpjs");
  EXPECT_EQ(keys->authenticate(*k1 + "x").error(), auth_reason::unknown_credentials);
  EXPECT_EQ(keys->authenticate("").error(), auth_reason::no_credentials);
  EXPECT_EQ(keys->authenticate(std::string(5000, 'a')).error(),
            auth_reason::malformed_credentials);
}

TEST(ApiKeys, StoredHashMatchesAnIndependentSha256) {
  test::temp_dir dir;
  test::write_file(dir.file("key"), "s3cret-key");
  auto r = test::run("openssl dgst -sha256 -r " + dir.file("key"));
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(api_keys::hash_key("s3cret-key"), "sha256:" + r.output.substr(0, 64));
}

TEST(ApiKeys, ConfigErrorsNameTheEntry) {
  auto bad = api_keys::make({{"lapor", "md5:abcd"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("lapor"), std::string::npos);
  EXPECT_FALSE(api_keys::make({{"lapor", "sha256:abcd"}}));
  EXPECT_FALSE(api_keys::make({{"", api_keys::hash_key("x")}}));
}

TEST(PasswordHash, CreatesAndVerifies) {
  auto h = password_hash::make("rahasia", 1000);
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->starts_with("pbkdf2-sha256$1000$"));
  EXPECT_TRUE(password_hash::verify("rahasia", *h));
  EXPECT_FALSE(password_hash::verify("rahasiA", *h));
  auto h2 = password_hash::make("rahasia", 1000);
  EXPECT_NE(*h, *h2);  // random salt
  EXPECT_FALSE(password_hash::make("x", 10));
}

TEST(PasswordHash, MatchesAnIndependentPbkdf2) {
  // node's crypto.pbkdf2Sync computes the same derived key from the parts.
  auto h = password_hash::make("kata sandi", 1200);
  ASSERT_TRUE(h);
  auto p = password_hash::parse(*h);
  ASSERT_TRUE(p);
  std::string salt_hex = crypto::to_hex(crypto::as_bytes(p->salt));
  auto r = test::run("node -e \"process.stdout.write(require('crypto').pbkdf2Sync('kata sandi', "
                     "Buffer.from('" + salt_hex + "','hex'), 1200, 32, 'sha256').toString('hex'))\"");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, crypto::to_hex(crypto::as_bytes(p->hash)));
}

TEST(PasswordHash, RejectsMalformedStrings) {
  for (const char* s : {"", "pbkdf2-sha256$1000$abc", "pbkdf2-sha1$1000$AAAAAAAAAAA$AAAA",
                        "pbkdf2-sha256$x$AAAAAAAAAAA$AAAA", "pbkdf2-sha256$1000$AAAAAAAAAAA$AA$"})
    EXPECT_FALSE(password_hash::parse(s)) << s;
}

TEST(BasicAuth, ChecksHeaderAndPassword) {
  auto h = password_hash::make("pa:ss word", 1000);
  ASSERT_TRUE(h);
  auto auth = basic_auth::make({{"simda", *h}});
  ASSERT_TRUE(auth) << auth.error().message;
  auto header = [](std::string_view up) {
    return "Basic " + crypto::base64_encode(crypto::as_bytes(up));
  };
  EXPECT_EQ(auth->authenticate(header("simda:pa:ss word")), "simda");
  // Second time comes from the cache, same answer.
  EXPECT_EQ(auth->authenticate(header("simda:pa:ss word")), "simda");
  EXPECT_EQ(auth->authenticate(header("simda:wrong")).error(), auth_reason::bad_secret);
  EXPECT_EQ(auth->authenticate(header("nobody:pa:ss word")).error(),
            auth_reason::unknown_credentials);
  EXPECT_EQ(auth->authenticate("Basic !!!").error(), auth_reason::malformed_credentials);
  EXPECT_EQ(auth->authenticate(header("no-colon")).error(), auth_reason::malformed_credentials);
  EXPECT_EQ(auth->authenticate("Bearer abc").error(), auth_reason::malformed_credentials);
  EXPECT_EQ(auth->authenticate("").error(), auth_reason::no_credentials);
  EXPECT_EQ(auth->authenticate("basic " + crypto::base64_encode(crypto::as_bytes("simda:pa:ss word"))),
            "simda");
}

TEST(BasicAuth, UnknownUsersCostTheSamePbkdf2Work) {
  // Timing-safe path: an unknown name runs a dummy PBKDF2 of the same cost,
  // so it is not orders of magnitude faster than a wrong password.
  auto auth = basic_auth::make({{"simda", *password_hash::make("x", 60000)}});
  ASSERT_TRUE(auth);
  auto fastest = [&](std::string_view user) {
    auto best = std::chrono::nanoseconds::max();
    for (int i = 0; i < 3; ++i) {
      auto t = std::chrono::steady_clock::now();
      EXPECT_FALSE(auth->check(user, "wrong-" + std::to_string(i)));
      best = std::min(best, std::chrono::steady_clock::now() - t);
    }
    return best;
  };
  auto known = fastest("simda");
  auto unknown = fastest("nobody");
  EXPECT_GT(unknown * 4, known) << "unknown " << unknown.count() << " ns, known " << known.count();
}

TEST(BasicAuth, RefusesBadConfig) {
  EXPECT_FALSE(basic_auth::make({{"a:b", *password_hash::make("x", 1000)}}));
  EXPECT_FALSE(basic_auth::make({{"a", "plaintext"}}));
}

TEST(Acl, MatrixOfIdentityAndRoute) {
  acl rules(true, {{"dukcapil", {"lapor", "kependudukan"}}, {"admin", {"*"}}});
  struct row {
    auth_result who;
    const char* route;
    int status;
    auth_reason reason;
  };
  const row rows[] = {
      {"dukcapil", "lapor", 200, auth_reason::ok},
      {"dukcapil", "kependudukan", 200, auth_reason::ok},
      {"dukcapil", "pajak", 403, auth_reason::forbidden},
      {"admin", "pajak", 200, auth_reason::ok},
      {"stranger", "lapor", 403, auth_reason::forbidden},
      {std::unexpected(auth_reason::no_credentials), "lapor", 401, auth_reason::no_credentials},
      {std::unexpected(auth_reason::expired), "lapor", 401, auth_reason::expired},
  };
  for (const row& r : rows) {
    auto d = rules.check(r.route, r.who);
    EXPECT_EQ(d.status(), r.status) << (r.who ? *r.who : "-") << " " << r.route;
    EXPECT_EQ(d.reason, r.reason) << to_string(d.reason);
    EXPECT_EQ(d.allowed(), r.status == 200);
  }
}

TEST(Acl, DenyByDefaultOnlyOnceAuthIsConfigured) {
  acl open;
  EXPECT_TRUE(open.check("lapor", std::unexpected(auth_reason::no_credentials)).allowed());
  EXPECT_EQ(open.check("lapor", std::unexpected(auth_reason::no_credentials)).reason,
            auth_reason::anonymous);
  acl closed(true, {});
  EXPECT_EQ(closed.check("lapor", "dukcapil").status(), 403);
}

TEST(AuthReason, EveryReasonHasAStableLabel) {
  for (int i = 0; i <= static_cast<int>(auth_reason::forbidden); ++i)
    EXPECT_NE(to_string(static_cast<auth_reason>(i)), "unknown");
}

}  // namespace
}  // namespace simpul::security
