#include "security/crypto.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace simpul::security {
namespace {

using namespace crypto;

TEST(Crypto, Base64UrlRoundTripsEveryLength) {
  std::string data;
  for (int i = 0; i < 40; ++i) {
    auto enc = base64url_encode(as_bytes(data));
    EXPECT_EQ(enc.find('='), std::string::npos);
    auto dec = base64url_decode(enc);
    ASSERT_TRUE(dec) << i;
    EXPECT_EQ(*dec, data);
    data += static_cast<char>(i * 37 + 200);
  }
}

TEST(Crypto, Base64UrlIsStrict) {
  EXPECT_FALSE(base64url_decode("ab+c"));   // standard alphabet
  EXPECT_FALSE(base64url_decode("abc="));   // padding
  EXPECT_FALSE(base64url_decode("abcde"));  // impossible length
  EXPECT_FALSE(base64url_decode("QR"));     // non-zero trailing bits ("QQ" is canonical)
  EXPECT_TRUE(base64url_decode("QQ"));
}

TEST(Crypto, Base64StandardMatchesOpenssl) {
  test::temp_dir dir;
  test::write_file(dir.file("in"), "user:pässword");
  auto r = test::run("openssl base64 -A -in " + dir.file("in"));
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(base64_encode(as_bytes("user:pässword")), r.output);
  EXPECT_EQ(*base64_decode(r.output), "user:pässword");
}

TEST(Crypto, HexAndDigestsMatchKnownVectors) {
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(*from_hex("00Ff10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
}

TEST(Crypto, ConstantTimeEqualityHandlesLengths) {
  EXPECT_TRUE(equal_ct(std::string_view("abc"), std::string_view("abc")));
  EXPECT_FALSE(equal_ct(std::string_view("abc"), std::string_view("abd")));
  EXPECT_FALSE(equal_ct(std::string_view("abc"), std::string_view("abcd")));
  EXPECT_TRUE(equal_ct(std::string_view(), std::string_view()));
}

}  // namespace
}  // namespace simpul::security
