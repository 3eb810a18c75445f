// The spool's "full" signal (readiness, simpul_spool_full) and count_attempt
// (ordered delivery keeps a failed item while persisting its attempt).
#include "hub/spool/route_spool.h"

#include <gtest/gtest.h>

#include "tests/hub/spool/spool_test_util.h"
#include "tests/hub/spool/temp_dir.h"

namespace simpul::spool {
namespace {

using namespace simpul::spool::testing;
using namespace std::chrono_literals;

spool_options opts_for(const temp_dir& d) {
  spool_options o;
  o.dir = d.sub("spool/r");
  return o;
}

TEST(RouteSpoolPushBack, FullFromARefusalUntilDrainedToNinetyPercent) {
  temp_dir d;
  auto o = opts_for(d);
  o.max_messages = 20;
  auto sp = route_spool::open(o);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE((*sp)->append_sync({make_msg("m")}, 1));
  EXPECT_FALSE((*sp)->stats().full) << "at the bound but nothing refused yet";
  ASSERT_FALSE((*sp)->append(make_msg("x"), 1, [](result<void>) {}));
  EXPECT_TRUE((*sp)->stats().full);
  auto items = (*sp)->take(0, 20);
  ASSERT_EQ(items.size(), 20u);
  (*sp)->ack(items[0]);
  EXPECT_TRUE((*sp)->stats().full) << "19 of 20 is above 90%";
  (*sp)->ack(items[1]);
  EXPECT_FALSE((*sp)->stats().full) << "18 of 20 is not";
}

TEST(RouteSpoolPushBack, AnAcceptedAppendClearsFull) {
  temp_dir d;
  auto o = opts_for(d);
  o.max_messages = 2;
  auto sp = route_spool::open(o);
  ASSERT_TRUE((*sp)->append_sync({make_msg("a"), make_msg("b")}, 1));
  ASSERT_FALSE((*sp)->append_sync({make_msg("c")}, 1));
  EXPECT_TRUE((*sp)->stats().full);
  (*sp)->ack((*sp)->take(0, 1).at(0));
  ASSERT_TRUE((*sp)->append_sync({make_msg("c")}, 1));
  EXPECT_FALSE((*sp)->stats().full);
}

TEST(RouteSpoolPushBack, CountAttemptKeepsTheItemAndPersistsTheAttempt) {
  temp_dir d;
  auto later = std::chrono::system_clock::now() + 10min;
  {
    auto sp = route_spool::open(opts_for(d));
    ASSERT_TRUE((*sp)->append_sync({make_msg("first"), make_msg("second")}, 1));
    auto items = (*sp)->take(0, 1);
    ASSERT_EQ(items.size(), 1u);
    (*sp)->count_attempt(items[0], later);
    auto next = (*sp)->take(0, 5, later + 1s);
    ASSERT_EQ(next.size(), 1u) << "the counted item stays taken";
    EXPECT_EQ(next[0].msg->body, "second");
    (*sp)->release(next[0]);
    (*sp)->release(items[0]);
    auto now = (*sp)->take(0, 5);
    ASSERT_EQ(now.size(), 1u) << "released: ready only at its retry time";
    EXPECT_EQ(now[0].msg->body, "second");
    ASSERT_TRUE((*sp)->flush());
  }
  auto sp = route_spool::open(opts_for(d));
  auto items = (*sp)->take(0, 5, later + 1s);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].msg->body, "first");
  EXPECT_EQ(items[0].attempt, 1u) << "the attempt survived a restart";
  EXPECT_TRUE((*sp)->take(0, 5).empty());
}

}  // namespace
}  // namespace simpul::spool
