#include "security/request_signing.h"

#include <gtest/gtest.h>

#include "security/crypto.h"
#include "test_util.h"

namespace simpul::security {
namespace {

using namespace std::chrono_literals;
const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1795000000));

TEST(RequestSigning, CanonicalStringIsTheDocumentedOne) {
  EXPECT_EQ(canonical_request("post", "/api/v1/lapor?x=1", 1795000000, ""),
            "v1\nPOST\n/api/v1/lapor?x=1\n1795000000\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RequestSigning, MatchesAnIndependentImplementation) {
  test::temp_dir dir;
  const std::string body = "{\"nik\":\"3204011201900001\",\"catatan\":\"jalan rusak\"}\n";
  test::write_file(dir.file("body"), body);
  request_signer signer("rahasia-bersama");
  auto headers = signer.sign("post", "/api/v1/lapor?kab=3204", body, t0);
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0].first, "X-Simpul-Timestamp");
  EXPECT_EQ(headers[0].second, "1795000000");
  EXPECT_EQ(headers[1].first, "X-Simpul-Signature");
  auto r = test::run("node " + test::source_path("tests/security/sign_request.mjs") +
                     " rahasia-bersama post '/api/v1/lapor?kab=3204' 1795000000 " + dir.file("body"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(headers[1].second, r.output);

  // And openssl dgst -hmac over the canonical string.
  test::write_file(dir.file("canonical"),
                   canonical_request("POST", "/api/v1/lapor?kab=3204", 1795000000, body));
  auto o = test::run("openssl dgst -sha256 -hmac rahasia-bersama -r " + dir.file("canonical"));
  ASSERT_EQ(o.status, 0) << o.output;
  EXPECT_EQ(headers[1].second, "v1=" + o.output.substr(0, 64));
}

TEST(RequestSigning, VerifierAcceptsAndRejects) {
  request_signer signer("k1");
  request_verifier verifier({"k0", "k1"});
  const std::string body = "{}";
  auto h = signer.sign("PUT", "/x", body, t0);
  EXPECT_EQ(verifier.verify("PUT", "/x", body, h[0].second, h[1].second, t0 + 10s),
            auth_reason::ok);
  EXPECT_EQ(verifier.verify("PUT", "/x", "{ }", h[0].second, h[1].second, t0),
            auth_reason::bad_signature);
  EXPECT_EQ(verifier.verify("PUT", "/y", body, h[0].second, h[1].second, t0),
            auth_reason::bad_signature);
  EXPECT_EQ(verifier.verify("GET", "/x", body, h[0].second, h[1].second, t0),
            auth_reason::bad_signature);
  EXPECT_EQ(verifier.verify("PUT", "/x", body, "1795000001", h[1].second, t0),
            auth_reason::bad_signature);
  EXPECT_EQ(verifier.verify("PUT", "/x", body, h[0].second, h[1].second, t0 + 301s),
            auth_reason::expired);
  EXPECT_EQ(verifier.verify("PUT", "/x", body, h[0].second, h[1].second, t0 - 301s),
            auth_reason::expired);
  EXPECT_EQ(verifier.verify("PUT", "/x", body, "", h[1].second, t0), auth_reason::no_credentials);
  EXPECT_EQ(verifier.verify("PUT", "/x", body, "12x", h[1].second, t0),
            auth_reason::malformed_credentials);
  EXPECT_EQ(verifier.verify("PUT", "/x", body, h[0].second, "v1=zz", t0),
            auth_reason::malformed_credentials);
  EXPECT_EQ(verifier.verify("PUT", "/x", body, h[0].second, "v2=abc", t0),
            auth_reason::malformed_credentials);
  // Rotation on the sender: several values, one valid.
  std::string both = "v1=" + std::string(64, '0') + ", " + h[1].second;
  EXPECT_EQ(verifier.verify("PUT", "/x", body, h[0].second, both, t0), auth_reason::ok);
  request_verifier other({"k2"});
  EXPECT_EQ(other.verify("PUT", "/x", body, h[0].second, h[1].second, t0),
            auth_reason::bad_signature);
}

TEST(RequestSigning, CustomHeaderNames) {
  signing_options o;
  o.timestamp_header = "X-Pemda-Time";
  o.signature_header = "X-Pemda-Sig";
  auto h = request_signer("k", o).sign("GET", "/", "", t0);
  EXPECT_EQ(h[0].first, "X-Pemda-Time");
  EXPECT_EQ(h[1].first, "X-Pemda-Sig");
}

}  // namespace
}  // namespace simpul::security
