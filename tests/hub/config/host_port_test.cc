#include "hub/config/host_port.h"

#include <gtest/gtest.h>

#include "hub/config/suggest.h"

namespace simpul::config {
namespace {

TEST(ParseHostPort, AcceptsNamesAddressesAndBracketedIpv6) {
  auto a = parse_host_port("127.0.0.1:8080");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto b = parse_host_port("localhost:0");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "localhost");
  EXPECT_EQ(b->port, 0);
  auto c = parse_host_port("[::1]:9464");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 9464);
  EXPECT_TRUE(parse_host_port("hub-1.example.go.id:65535"));
}

TEST(ParseHostPort, RejectsWhatCannotBeListenedOn) {
  for (const char* bad : {"8080", ":8080", "localhost", "localhost:", "host:65536", "host:-1",
                          "host:80x", "bad host:80", "::1:80", "[::1]80", "[zz]:80", ""}) {
    auto r = parse_host_port(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().code, "config.bad_listen");
      EXPECT_EQ(r.error().message.rfind("'" + std::string(bad) + "' is not host:port (", 0), 0u)
          << r.error().message;
    }
  }
}

TEST(ClosestMatch, OnlyPlausibleTypos) {
  std::vector<std::string> keys = {"listen", "max_body", "read_timeout", "tls"};
  EXPECT_EQ(closest_match("lisen", keys), "listen");
  EXPECT_EQ(closest_match("max_bdoy", keys), "max_body");
  EXPECT_EQ(closest_match("tsl", keys), "tls");
  EXPECT_EQ(closest_match("readtimeout", keys), "read_timeout");
  EXPECT_FALSE(closest_match("verbose", keys));
  EXPECT_FALSE(closest_match("x", keys));
  EXPECT_FALSE(closest_match("listen", {}));
}

}  // namespace
}  // namespace simpul::config
