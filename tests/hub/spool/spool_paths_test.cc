#include "hub/spool/spool_paths.h"

#include <gtest/gtest.h>

namespace simpul::spool {
namespace {

TEST(SpoolPaths, RouteNamesBecomeDirectoriesOnlyWhenSafe) {
  auto ok = route_spool_dir("/var/lib/simpul", "lapor-warga_v2.1");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->string(), "/var/lib/simpul/spool/lapor-warga_v2.1");
  EXPECT_EQ(dlq_dir("/d").string(), "/d/dlq");
  EXPECT_EQ(dedup_dir("/d", "r")->string(), "/d/dedup/r");
  for (const char* bad : {"", ".", "..", "a/b", "../etc", "sp ace"}) {
    auto r = route_spool_dir("/d", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "spool.bad_name");
  }
}

TEST(SpoolPaths, ParsesDurability) {
  EXPECT_EQ(*parse_durability("fsync"), durability::fsync);
  EXPECT_EQ(*parse_durability("write"), durability::write);
  EXPECT_EQ(parse_durability("always").error().code, "spool.bad_durability");
}

}  // namespace
}  // namespace simpul::spool
