#include "hub/spool/dedup_store.h"

#include <gtest/gtest.h>

#include "tests/hub/spool/temp_dir.h"

namespace simpul::spool {
namespace {

using namespace simpul::spool::testing;
using namespace std::chrono_literals;
using status = dedup_store::status;

TEST(DedupStore, SeenOnceWithinTheWindowAcrossReopen) {
  temp_dir d;
  dedup_options o;
  o.dir = d.sub("dedup/lapor");
  auto now = std::chrono::system_clock::now();
  {
    auto st = dedup_store::open(o);
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(*(*st)->check_and_insert("req-1", 10min, now), status::fresh);
    EXPECT_EQ(*(*st)->check_and_insert("req-1", 10min, now), status::pending);
    ASSERT_TRUE((*st)->confirm("req-1"));
    EXPECT_EQ(*(*st)->check_and_insert("req-1", 10min, now + 1s), status::duplicate);
    EXPECT_EQ(*(*st)->check_and_insert("req-2", 10min, now), status::fresh);
    (*st)->abandon("req-2");  // the spool append failed: a retry must get through
    EXPECT_EQ(*(*st)->check_and_insert("req-2", 10min, now), status::fresh);
    // req-2 stays unconfirmed: a crash forgets it
  }
  auto st = dedup_store::open(o);
  ASSERT_TRUE(st);
  EXPECT_EQ((*st)->size(), 1u);
  EXPECT_EQ(*(*st)->check_and_insert("req-1", 10min, now + 2s), status::duplicate);
  EXPECT_EQ(*(*st)->check_and_insert("req-2", 10min, now + 2s), status::fresh);
  // after the window the key is new again
  EXPECT_EQ(*(*st)->check_and_insert("req-1", 10min, now + 11min), status::fresh);
}

TEST(DedupStore, ExpiredKeysAreNotRecoveredAndTheirSegmentsGo) {
  temp_dir d;
  dedup_options o;
  o.dir = d.sub("dedup/r");
  o.segment_bytes = 2048;
  auto now = std::chrono::system_clock::now();
  {
    auto st = dedup_store::open(o);
    for (int i = 0; i < 200; ++i) {
      auto key = "short-" + std::to_string(i);
      ASSERT_EQ(*(*st)->check_and_insert(key, 1ms, now - 1s), status::fresh);
      ASSERT_TRUE((*st)->confirm(key));
    }
    EXPECT_GE(segment_files(o.dir).size(), 3u);
    // a check at a later time sweeps the expired keys; the next write collects
    ASSERT_EQ(*(*st)->check_and_insert("long", 1h, now), status::fresh);
    ASSERT_TRUE((*st)->confirm("long"));
    ASSERT_EQ(*(*st)->check_and_insert("long2", 1h, now), status::fresh);
    ASSERT_TRUE((*st)->confirm("long2"));
    EXPECT_LE(segment_files(o.dir).size(), 2u);
  }
  auto st = dedup_store::open(o);
  EXPECT_EQ((*st)->size(), 2u);
  EXPECT_EQ(*(*st)->check_and_insert("short-5", 1h, now), status::fresh);
}

TEST(DedupStore, BoundedKeyCount) {
  temp_dir d;
  dedup_options o;
  o.dir = d.sub("dedup/r");
  o.max_keys = 2;
  auto st = dedup_store::open(o);
  ASSERT_TRUE((*st)->check_and_insert("a", 1h));
  ASSERT_TRUE((*st)->check_and_insert("b", 1h));
  auto r = (*st)->check_and_insert("c", 1h);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "dedup.full");
}

}  // namespace
}  // namespace simpul::spool
