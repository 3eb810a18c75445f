// The inbound side of the http_server input with real parties: certificates
// from the openssl CLI, JWTs from node's crypto (tests/security/
// jwt_helper.mjs), curl as the TLS client, a Beast client for plain HTTP.
#include <utility>

#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <rapidjson/document.h>

#include "connectors/http/http_server.h"
#include "connectors/registry.h"
#include "security/api_keys.h"
#include "security/password_hash.h"
#include "tests/connectors/http/test_support.h"
#include "tests/security/test_util.h"

namespace simpul::test {
namespace {

namespace sec = simpul::security::test;

connectors::ingest_result accept_all(const message&) {
  connectors::ingest_result r;
  r.state = connectors::ingest_result::status::accepted;
  r.http_status = 202;
  return r;
}

std::string attribute(const message& m, const std::string& key) {
  for (const auto& [k, v] : m.attributes)
    if (k == key) return v;
  return {};
}

// One PKI per test run: a CA, a server certificate for 127.0.0.1, a client
// certificate (CN kab-bandung) from the CA and one from a rogue CA.
class Pki {
 public:
  static const Pki& get() {
    static Pki p;
    return p;
  }
  std::string f(const std::string& n) const { return dir_.file(n); }
  bool ok = false;
  std::string log;

 private:
  Pki() {
    std::string d = dir_.path().string();
    auto ec = std::string(" -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ");
    auto ca = [&](const std::string& n) {
      return "openssl req -x509" + ec + "-keyout " + d + "/" + n + ".key -out " + d + "/" + n +
             ".pem -days 2 -subj '/CN=" + n + "'";
    };
    auto leaf = [&](const std::string& n, const std::string& cn, const std::string& issuer,
                    const std::string& ext) {
      sec::write_file(d + "/" + n + ".ext", ext);
      return "openssl req" + ec + "-keyout " + d + "/" + n + ".key -out " + d + "/" + n +
             ".csr -subj '/CN=" + cn + "' && openssl x509 -req -in " + d + "/" + n + ".csr -CA " +
             d + "/" + issuer + ".pem -CAkey " + d + "/" + issuer + ".key -CAcreateserial -out " +
             d + "/" + n + ".pem -days 2 -extfile " + d + "/" + n + ".ext";
    };
    auto r = sec::run(ca("ca") + " && " + ca("rogue") + " && " +
                      leaf("server", "localhost", "ca",
                           "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                           "extendedKeyUsage=serverAuth\n") +
                      " && " +
                      leaf("client", "kab-bandung", "ca", "extendedKeyUsage=clientAuth\n") +
                      " && " +
                      leaf("intruder", "kab-bandung", "rogue", "extendedKeyUsage=clientAuth\n"));
    ok = r.status == 0;
    log = r.output;
  }
  sec::temp_dir dir_;
};

struct curl_result {
  int status = 0;  // 0: no HTTP answer (handshake refused, connection failed)
  std::string headers;
};

curl_result curl(const std::string& args) {
  auto r = sec::run("curl -s -o /dev/null -D - --max-time 10 -w 'CODE:%{http_code}' " + args);
  curl_result c;
  auto at = r.output.rfind("CODE:");
  if (at != std::string::npos) c.status = std::atoi(r.output.c_str() + at + 5);
  c.headers = r.output.substr(0, at == std::string::npos ? 0 : at);
  return c;
}

class InboundSecurity : public ::testing::Test {
 protected:
  void SetUp() override { tc.ctx.metrics = std::make_shared<prometheus::Registry>(); }

  void start(const std::string& settings, const std::map<std::string, std::string>& routes) {
    connectors::registry reg;
    connectors::register_all(reg);
    auto made =
        reg.find("http_server")->make_input(yaml_node("listen: 127.0.0.1:0\n" + settings), tc.ctx);
    ASSERT_TRUE(made) << made.error().message;
    server.reset(static_cast<connectors::http_server*>(made->release()));
    ingress = std::make_shared<recording_ingress>(accept_all);
    for (const auto& [name, options] : routes)
      ASSERT_TRUE(server->bind({name, yaml_node(options), ingress}));
    auto started = server->start();
    ASSERT_TRUE(started) << started.error().message;
    port = server->port();
  }

  void TearDown() override {
    if (server) server->stop();
    server.reset();
    EXPECT_TRUE(runner.finish());
  }

  std::string url(const std::string& path = "/lapor") const {
    return "https://127.0.0.1:" + std::to_string(port) + path;
  }

  string_response post(const std::string& path, std::map<std::string, std::string> headers) {
    client_connection c(port);
    auto req = make_request(bhttp::verb::post, path, R"({"a":1})");
    for (const auto& [k, v] : headers) req.set(k, v);
    return c.round_trip(std::move(req));
  }

  double counter(const std::string& name, const std::map<std::string, std::string>& labels) {
    for (const auto& fam : tc.ctx.metrics->Collect()) {
      if (fam.name != name) continue;
      for (const auto& m : fam.metric) {
        std::size_t hit = 0;
        for (const auto& l : m.label)
          if (labels.count(l.name) && labels.at(l.name) == l.value) ++hit;
        if (hit == labels.size()) return m.counter.value;
      }
    }
    return 0;
  }

  io_runner runner;
  test_context tc{runner.io(), "api"};
  std::unique_ptr<connectors::http_server> server;
  std::shared_ptr<recording_ingress> ingress;
  std::uint16_t port = 0;
};

std::string tls_block(const Pki& p, const std::string& client_certs = "none") {
  return "tls:\n  cert_file: " + p.f("server.pem") + "\n  key_file: " + p.f("server.key") +
         "\n  client_certs: " + client_certs + "\n  client_ca_file: " + p.f("ca.pem") + "\n";
}

TEST_F(InboundSecurity, TlsListenerServesHttpsOnlyWithTls12AndUp) {
  const auto& pki = Pki::get();
  ASSERT_TRUE(pki.ok) << pki.log;
  start(tls_block(pki), {{"lapor", "path: /lapor"}});
  std::string data = " -H 'Content-Type: application/json' -d '{}' ";
  EXPECT_EQ(curl("--cacert " + pki.f("ca.pem") + data + url()).status, 202);
  EXPECT_EQ(curl("--cacert " + pki.f("ca.pem") + " --tlsv1.2 --tls-max 1.2" + data + url()).status,
            202);
  // The server certificate does not verify against another CA.
  EXPECT_EQ(curl("--cacert " + pki.f("rogue.pem") + data + url()).status, 0);
  // Plain HTTP on the TLS port gets no HTTP answer.
  EXPECT_EQ(curl(data + "http://127.0.0.1:" + std::to_string(port) + "/lapor").status, 0);
  // TLS 1.1 is refused (openssl s_client exits non-zero without a handshake).
  auto old = sec::run("echo | openssl s_client -tls1_1 -connect 127.0.0.1:" +
                      std::to_string(port));
  EXPECT_NE(old.status, 0) << old.output;
  EXPECT_EQ(ingress->received().size(), 2u);
}

TEST_F(InboundSecurity, TlsReloadKeepsServing) {
  const auto& pki = Pki::get();
  ASSERT_TRUE(pki.ok) << pki.log;
  start(tls_block(pki), {{"lapor", "path: /lapor"}});
  EXPECT_TRUE(server->reload_tls());
  EXPECT_EQ(curl("--cacert " + pki.f("ca.pem") + " -d '{}' " + url()).status, 202);
}

TEST_F(InboundSecurity, MutualTlsIdentityAndAcl) {
  const auto& pki = Pki::get();
  ASSERT_TRUE(pki.ok) << pki.log;
  start(tls_block(pki, "require") + "auth:\n  mtls: true\n",
        {{"lapor", "path: /lapor\nallow: [kab-bandung]"},
         {"rahasia", "path: /rahasia\nallow: [kab-garut]"}});
  std::string ca = "--cacert " + pki.f("ca.pem") + " -d '{}' ";
  std::string good = "--cert " + pki.f("client.pem") + " --key " + pki.f("client.key") + " ";
  std::string rogue = "--cert " + pki.f("intruder.pem") + " --key " + pki.f("intruder.key") + " ";
  EXPECT_EQ(curl(ca + good + url()).status, 202);
  EXPECT_EQ(curl(ca + good + url("/rahasia")).status, 403);
  EXPECT_EQ(curl(ca + url()).status, 0);          // no certificate: handshake refused
  EXPECT_EQ(curl(ca + rogue + url()).status, 0);  // same CN, wrong CA
  auto got = ingress->received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(attribute(*got[0], "client"), "kab-bandung");
  EXPECT_EQ(attribute(*got[0], "auth"), "mtls");
  EXPECT_EQ(counter("simpul_auth_failures_total", {{"route", "rahasia"}, {"reason", "forbidden"}}),
            1);
}

class JwtTokens {
 public:
  static const JwtTokens& get() {
    static JwtTokens t;
    return t;
  }
  std::string token(const std::string& name) const {
    auto it = doc_.FindMember(name.c_str());
    return it == doc_.MemberEnd() ? std::string() : it->value.GetString();
  }
  std::string jwks() const { return dir_.file("jwks.json"); }
  bool ok = false;
  std::string log;

 private:
  JwtTokens() {
    auto r = sec::run("node " + sec::source_path("tests/security/jwt_helper.mjs") + " " +
                      dir_.path().string());
    log = r.output;
    doc_.Parse(sec::read_file(dir_.file("tokens.json")).c_str());
    ok = r.status == 0 && doc_.IsObject();
  }
  sec::temp_dir dir_;
  rapidjson::Document doc_;
};

TEST_F(InboundSecurity, JwtFromAnIndependentIssuerAndTheAttacks) {
  const auto& jwt = JwtTokens::get();
  ASSERT_TRUE(jwt.ok) << jwt.log;
  start("auth:\n  jwt:\n    jwks_file: " + jwt.jwks() +
            "\n    issuer: https://sso.example.go.id\n    audiences: [simpul]\n    leeway: 5s\n",
        {{"lapor", "path: /lapor\nallow: [dukcapil-app]"}, {"lain", "path: /lain\nallow: [x]"}});
  for (const char* good : {"rs256_ok", "es256_ok", "hs256_ok"}) {
    auto res = post("/lapor", {{"Authorization", "Bearer " + jwt.token(good)}});
    EXPECT_EQ(res.result_int(), 202) << good << ": " << res.body();
  }
  EXPECT_EQ(post("/lain", {{"Authorization", "Bearer " + jwt.token("rs256_ok")}}).result_int(),
            403);
  std::map<std::string, std::string> attacks = {
      {"alg_none", "unsupported_algorithm"},      {"hs256_with_rsa_pem", ""},
      {"expired", "expired"},                     {"not_yet_valid", "not_yet_valid"},
      {"wrong_aud", "wrong_audience"},            {"tampered", "bad_signature"},
      {"wrong_iss", "wrong_issuer"},              {"crit_header", ""}};
  for (const auto& [name, reason] : attacks) {
    auto res = post("/lapor", {{"Authorization", "Bearer " + jwt.token(name)}});
    EXPECT_EQ(res.result_int(), 401) << name << ": " << res.body();
    EXPECT_NE(std::string(res[bhttp::field::www_authenticate]).find("Bearer"), std::string::npos);
    if (!reason.empty()) {
      EXPECT_GE(counter("simpul_auth_failures_total", {{"route", "lapor"}, {"reason", reason}}), 1)
          << name;
    }
  }
  auto none = post("/lapor", {});
  EXPECT_EQ(none.result_int(), 401);
  auto got = ingress->received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(attribute(*got[0], "client"), "dukcapil-app");
  EXPECT_EQ(attribute(*got[0], "auth"), "jwt");
}

TEST_F(InboundSecurity, ApiKeysAndBasic) {
  const std::string key = "kunci-rahasia-aplikasi-a-0123456789";
  auto pw_hash = security::password_hash::make("sandi-lama", 1000);
  ASSERT_TRUE(pw_hash);
  start("auth:\n  api_keys:\n    - identity: app-a\n      hash: \"" +
            security::api_keys::hash_key(key) + "\"\n  basic:\n    - user: legacy\n      hash: \"" +
            *pw_hash + "\"\n",
        {{"lapor", "path: /lapor\nallow: [app-a, legacy]"},
         {"khusus", "path: /khusus\nallow: [legacy]"}});
  EXPECT_EQ(post("/lapor", {{"X-API-Key", key}}).result_int(), 202);
  EXPECT_EQ(post("/lapor", {{"Authorization", "ApiKey " + key}}).result_int(), 202);
  EXPECT_EQ(post("/lapor", {{"X-API-Key", key + "x"}}).result_int(), 401);
  EXPECT_EQ(post("/khusus", {{"X-API-Key", key}}).result_int(), 403);
  // "legacy:sandi-lama" and "legacy:salah"
  EXPECT_EQ(post("/khusus", {{"Authorization", "Basic bGVnYWN5OnNhbmRpLWxhbWE="}}).result_int(), 202);
  EXPECT_EQ(post("/khusus", {{"Authorization", "Basic bGVnYWN5OnNhbGFo"}}).result_int(), 401);
  EXPECT_EQ(post("/khusus", {{"Authorization", "Basic !!!"}}).result_int(), 401);
  EXPECT_EQ(post("/lapor", {{"Authorization", "Bearer abc"}}).result_int(), 401);
  auto none = post("/lapor", {});
  EXPECT_EQ(none.result_int(), 401);
  std::string challenge(none[bhttp::field::www_authenticate]);
  EXPECT_NE(challenge.find("Basic"), std::string::npos);
  EXPECT_NE(challenge.find("ApiKey"), std::string::npos);
  EXPECT_EQ(none.body().find(key), std::string::npos);
  EXPECT_EQ(counter("simpul_auth_failures_total", {{"route", "lapor"}, {"reason", "no_credentials"}}),
            1);
  EXPECT_EQ(counter("simpul_auth_failures_total",
                    {{"route", "lapor"}, {"reason", "unknown_credentials"}}),
            1);
  EXPECT_EQ(counter("simpul_auth_failures_total", {{"route", "khusus"}, {"reason", "bad_secret"}}),
            1);
  EXPECT_EQ(ingress->received().size(), 3u);
}

TEST_F(InboundSecurity, RateLimitPerClientAnswers429WithRetryAfter) {
  const std::string key_a = "kunci-a-0123456789-0123456789", key_b = "kunci-b-0123456789-012345";
  start("auth:\n  api_keys:\n    - {identity: a, hash: \"" + security::api_keys::hash_key(key_a) +
            "\"}\n    - {identity: b, hash: \"" + security::api_keys::hash_key(key_b) +
            "\"}\nrate_limit:\n  rate: 0.01\n  burst: 2\n",
        {{"lapor", "path: /lapor\nallow: ['*']"}});
  EXPECT_EQ(post("/lapor", {{"X-API-Key", key_a}}).result_int(), 202);
  EXPECT_EQ(post("/lapor", {{"X-API-Key", key_a}}).result_int(), 202);
  auto limited = post("/lapor", {{"X-API-Key", key_a}});
  EXPECT_EQ(limited.result_int(), 429);
  EXPECT_GE(std::atoi(std::string(limited[bhttp::field::retry_after]).c_str()), 1);
  // Another client has its own bucket.
  EXPECT_EQ(post("/lapor", {{"X-API-Key", key_b}}).result_int(), 202);
  EXPECT_EQ(counter("simpul_rate_limited_total", {{"route", "lapor"}}), 1);
}

TEST_F(InboundSecurity, UnknownPathsOfAnAuthenticatedInputAreNotDeadLettered) {
  start("auth:\n  api_keys:\n    - {identity: a, hash: \"" +
            security::api_keys::hash_key("k-0123456789-0123456789") + "\"}\n",
        {{"lapor", "path: /lapor\nallow: [a]"}});
  EXPECT_EQ(post("/nope", {}).result_int(), 404);
  std::lock_guard lock(tc.mu);
  EXPECT_TRUE(tc.dead.empty());
}

}  // namespace
}  // namespace simpul::test
