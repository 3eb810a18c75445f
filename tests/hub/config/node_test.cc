#include "hub/config/node.h"

#include <gtest/gtest.h>

namespace simpul::config {
namespace {

TEST(ParseDuration, UnitsAndCombinations) {
  EXPECT_EQ(parse_duration("250ms").value().count(), 250);
  EXPECT_EQ(parse_duration("30s").value().count(), 30000);
  EXPECT_EQ(parse_duration("1m30s").value().count(), 90000);
  EXPECT_EQ(parse_duration("2h").value().count(), 7'200'000);
  EXPECT_EQ(parse_duration("0").value().count(), 0);
  EXPECT_EQ(parse_duration("1.5s").value().count(), 1500);
}

TEST(ParseDuration, RejectsMissingOrUnknownUnit) {
  EXPECT_FALSE(parse_duration("30"));
  EXPECT_FALSE(parse_duration("30 seconds"));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("-1s"));
  auto e = parse_duration("10x");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, "config.bad_duration");
}

TEST(ParseSize, BinaryAndDecimalUnits) {
  EXPECT_EQ(parse_size("512").value(), 512u);
  EXPECT_EQ(parse_size("64KiB").value(), 65536u);
  EXPECT_EQ(parse_size("1MiB").value(), 1048576u);
  EXPECT_EQ(parse_size("1MB").value(), 1000000u);
  EXPECT_FALSE(parse_size("1 parsec"));
  EXPECT_FALSE(parse_size("lots"));
}

TEST(Node, SecretsAreNeverDisplayed) {
  node n(node::kind::scalar, {"x.yaml", 3, 7});
  n.set_text("hunter2", true);
  EXPECT_EQ(n.display(), "<secret>");
  EXPECT_EQ(n.text(), "hunter2");
}

}  // namespace
}  // namespace simpul::config
