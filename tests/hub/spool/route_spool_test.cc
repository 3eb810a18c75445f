#include "hub/spool/route_spool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

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

std::vector<message_ptr> make_msgs(int n, std::size_t body = 100) {
  std::vector<message_ptr> v;
  for (int i = 0; i < n; ++i) v.push_back(make_msg(std::string(body, static_cast<char>('a' + i % 26))));
  return v;
}

TEST(RouteSpool, AppendTakeAckRoundTrip) {
  temp_dir d;
  auto sp = route_spool::open(opts_for(d));
  ASSERT_TRUE(sp) << sp.error().message;
  auto msgs = make_msgs(3);
  ASSERT_TRUE((*sp)->append_sync(msgs, 1));
  EXPECT_EQ((*sp)->stats().depth, 3u);

  auto items = (*sp)->take(0, 10);
  ASSERT_EQ(items.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(items[i].msg->id, msgs[i]->id);
    EXPECT_EQ(items[i].msg->body, msgs[i]->body);
    EXPECT_EQ(items[i].attempt, 0u);
  }
  EXPECT_TRUE((*sp)->take(0, 10).empty()) << "in-flight items are not handed out twice";
  for (const auto& it : items) (*sp)->ack(it);
  auto st = (*sp)->stats();
  EXPECT_EQ(st.depth, 0u);
  EXPECT_EQ(st.bytes, 0u);
  EXPECT_EQ(st.acked, 3u);
}

TEST(RouteSpool, ReopenSeesPendingButNotAckedInAppendOrder) {
  temp_dir d;
  auto msgs = make_msgs(10);
  {
    auto sp = route_spool::open(opts_for(d));
    ASSERT_TRUE(sp);
    ASSERT_TRUE((*sp)->append_sync(msgs, 1));
    auto items = (*sp)->take(0, 4);
    for (const auto& it : items) (*sp)->ack(it);
  }
  auto sp = route_spool::open(opts_for(d));
  ASSERT_TRUE(sp);
  EXPECT_EQ((*sp)->stats().depth, 6u);
  auto items = (*sp)->take(0, 100);
  ASSERT_EQ(items.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    // read back from disk this time: every field survives
    EXPECT_EQ(items[i].msg->id, msgs[i + 4]->id);
    EXPECT_EQ(items[i].msg->body, msgs[i + 4]->body);
    EXPECT_EQ(items[i].msg->trace_id, msgs[i + 4]->trace_id);
    EXPECT_EQ(items[i].msg->received_at, msgs[i + 4]->received_at);
  }
}

TEST(RouteSpool, FanOutIsAckedPerTarget) {
  temp_dir d;
  auto m = make_msg("fan-out");
  {
    auto sp = route_spool::open(opts_for(d));
    ASSERT_TRUE((*sp)->append_sync({m}, 0b101));  // targets 0 and 2
    auto t0 = (*sp)->take(0, 10);
    auto t2 = (*sp)->take(2, 10);
    EXPECT_TRUE((*sp)->take(1, 10).empty());
    ASSERT_EQ(t0.size(), 1u);
    ASSERT_EQ(t2.size(), 1u);
    (*sp)->ack(t0[0]);
    EXPECT_EQ((*sp)->stats().depth, 1u) << "still pending for target 2";
  }
  {
    auto sp = route_spool::open(opts_for(d));
    EXPECT_TRUE((*sp)->take(0, 10).empty());
    auto t2 = (*sp)->take(2, 10);
    ASSERT_EQ(t2.size(), 1u);
    EXPECT_EQ(t2[0].msg->id, m->id);
    (*sp)->ack(t2[0]);
    EXPECT_EQ((*sp)->stats().depth, 0u);
  }
  auto sp = route_spool::open(opts_for(d));
  EXPECT_EQ((*sp)->stats().depth, 0u);
  EXPECT_TRUE((*sp)->take(2, 10).empty());
}

TEST(RouteSpool, FullSpoolFailsFastWithADistinctError) {
  temp_dir d;
  auto o = opts_for(d);
  o.max_messages = 3;
  auto sp = route_spool::open(o);
  ASSERT_TRUE((*sp)->append_sync(make_msgs(3), 1));
  bool called = false;
  auto r = (*sp)->append(make_msg("x"), 1, [&](result<void>) { called = true; });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "spool.full");
  auto batch = (*sp)->append_sync(make_msgs(2), 1);
  ASSERT_FALSE(batch);
  EXPECT_EQ(batch.error().code, "spool.full");
  EXPECT_EQ((*sp)->stats().depth, 3u) << "a rejected batch keeps nothing";

  (*sp)->ack((*sp)->take(0, 1).at(0));
  EXPECT_TRUE((*sp)->append_sync({make_msg("fits again")}, 1));
  ASSERT_TRUE((*sp)->flush());
  EXPECT_FALSE(called) << "no callback for a rejected append";
  EXPECT_EQ((*sp)->stats().rejected_full, 2u);
}

TEST(RouteSpool, ByteBoundCountsPendingBytes) {
  temp_dir d;
  auto o = opts_for(d);
  o.max_bytes = 5000;
  auto sp = route_spool::open(o);
  ASSERT_TRUE((*sp)->append_sync(make_msgs(3, 1000), 1));
  auto r = (*sp)->append_sync(make_msgs(2, 1000), 1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "spool.full");
  auto big = (*sp)->append_sync({make_msg(std::string(6000, 'b'))}, 1);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, "spool.too_large") << "could never fit: not 'full'";
  EXPECT_GT((*sp)->stats().bytes, 3000u);
  EXPECT_LE((*sp)->stats().bytes, 5000u);
}

TEST(RouteSpool, CompactionDeletesFullyAckedSegments) {
  temp_dir d;
  auto o = opts_for(d);
  o.segment_bytes = 4096;
  auto sp = route_spool::open(o);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE((*sp)->append_sync(make_msgs(2, 1000), 1));
  auto before = segment_files(o.dir).size();
  EXPECT_GE(before, 8u);
  for (const auto& it : (*sp)->take(0, 100)) (*sp)->ack(it);
  ASSERT_TRUE((*sp)->flush());  // a writer pass runs the collector
  auto after = segment_files(o.dir).size();
  EXPECT_LE(after, 2u);
  EXPECT_EQ((*sp)->stats().compacted_segments, before - after);
  sp->reset();
  auto again = route_spool::open(o);
  EXPECT_EQ((*again)->stats().depth, 0u);
}

TEST(RouteSpool, StuckMessageDoesNotPinLaterSegments) {
  temp_dir d;
  auto o = opts_for(d);
  o.segment_bytes = 4096;
  auto stuck = make_msg(std::string(500, 's'));
  {
    auto sp = route_spool::open(o);
    ASSERT_TRUE((*sp)->append_sync({stuck}, 1));
    auto first = (*sp)->take(0, 1);
    ASSERT_EQ(first.size(), 1u);
    (*sp)->retry_at(first[0], std::chrono::system_clock::now() + 1h);
    for (int i = 0; i < 30; ++i) ASSERT_TRUE((*sp)->append_sync(make_msgs(1, 1000), 1));
    for (const auto& it : (*sp)->take(0, 100)) (*sp)->ack(it);
    ASSERT_TRUE((*sp)->flush());
    ASSERT_TRUE((*sp)->flush());
    auto st = (*sp)->stats();
    EXPECT_LE(segment_files(o.dir).size(), 3u) << "of " << 30 * 1000 / 4096 << "+ written";
    EXPECT_EQ(st.depth, 1u);
  }
  auto sp = route_spool::open(o);
  EXPECT_EQ((*sp)->stats().depth, 1u);
  EXPECT_TRUE((*sp)->take(0, 10).empty()) << "its retry time survived the copy";
  auto at = (*sp)->next_ready_at(0);
  ASSERT_TRUE(at);
  EXPECT_GT(*at, std::chrono::system_clock::now() + 50min);
  auto items = (*sp)->take(0, 10, std::chrono::system_clock::now() + 2h);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].msg->id, stuck->id);
  EXPECT_EQ(items[0].attempt, 1u);
}

TEST(RouteSpool, ACopiedMessageKeepsItsAttemptsWhereverTheCopyLands) {
  // The copy's attempt record follows the copy in the same write; when that
  // write crosses into a new segment the two end up in different ones. Each
  // size of the other traffic moves where the copy lands.
  int copied = 0;  // runs in which compaction ran (it needs three segments)
  for (std::size_t size = 150; size < 260; ++size) {
    SCOPED_TRACE("traffic of " + std::to_string(size) + " bytes");
    temp_dir d;
    auto o = opts_for(d);
    o.segment_bytes = 2048;
    o.cache_bytes = 0;
    {
      auto sp = route_spool::open(o);
      ASSERT_TRUE((*sp)->append_sync({make_msg(std::string(50, 's'))}, 1));
      auto first = (*sp)->take(0, 1);
      ASSERT_EQ(first.size(), 1u);
      (*sp)->retry_at(first[0], std::chrono::system_clock::now() + 1h);
      // Two rounds of traffic: the first makes the stuck message's segment
      // sparse so it is copied (its last messages, still unanswered, keep
      // enough segments for compaction to run); the second moves past where
      // the copy landed.
      std::vector<spool_item> open_items;
      for (int round = 0; round < 2; ++round) {
        ASSERT_TRUE((*sp)->append_sync(make_msgs(24, size), 1));
        for (const auto& it : (*sp)->take(0, 100)) open_items.push_back(it);
        std::size_t keep = round == 0 ? 10 : 0;
        for (std::size_t i = 0; i + keep < open_items.size(); ++i) (*sp)->ack(open_items[i]);
        open_items.erase(open_items.begin(), open_items.end() - static_cast<std::ptrdiff_t>(keep));
        ASSERT_TRUE((*sp)->flush());
        ASSERT_TRUE((*sp)->flush());
        if (round == 0 && (*sp)->stats().copied_forward > 0) ++copied;
      }
    }
    auto sp = route_spool::open(o);
    auto items = (*sp)->take(0, 10, std::chrono::system_clock::now() + 2h);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].attempt, 1u);
  }
  EXPECT_GT(copied, 80) << "the stuck message was copied forward in most runs";
}

TEST(RouteSpool, RetryAtDelaysAndCountsAttemptsAcrossRestart) {
  temp_dir d;
  auto m = make_msg("retry me");
  auto later = std::chrono::system_clock::now() + 10min;
  {
    auto sp = route_spool::open(opts_for(d));
    ASSERT_TRUE((*sp)->append_sync({m}, 1));
    auto items = (*sp)->take(0, 1);
    ASSERT_EQ(items.size(), 1u);
    (*sp)->retry_at(items[0], later);
    EXPECT_TRUE((*sp)->take(0, 1).empty());
    ASSERT_TRUE((*sp)->flush());
  }
  auto sp = route_spool::open(opts_for(d));
  EXPECT_TRUE((*sp)->take(0, 1).empty());
  auto items = (*sp)->take(0, 1, later + 1s);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].attempt, 1u);
  (*sp)->release(items[0]);
  auto again = (*sp)->take(0, 1, later + 1s);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt, 1u) << "release counts no attempt";
}

TEST(RouteSpool, RetriedOlderMessageComesBackBeforeNewerOnes) {
  temp_dir d;
  auto sp = route_spool::open(opts_for(d));
  auto msgs = make_msgs(3);
  ASSERT_TRUE((*sp)->append_sync(msgs, 1));
  auto first = (*sp)->take(0, 1);
  (*sp)->retry_at(first[0], std::chrono::system_clock::now() - 1s);
  EXPECT_EQ(take_ids(**sp, 0), ids_of(msgs));
}

TEST(RouteSpool, ConcurrentAppendersShareFlushes) {
  temp_dir d;
  auto sp = route_spool::open(opts_for(d));
  constexpr int threads = 4, per_thread = 500;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i) {
        auto r = (*sp)->append(make_msg(std::string(1024, 'c')), 1, [&](result<void> res) {
          (res ? ok : failed).fetch_add(1);
        });
        if (!r) failed.fetch_add(1);
      }
    });
  }
  for (auto& t : ts) t.join();
  ASSERT_TRUE((*sp)->flush());
  EXPECT_EQ(ok.load(), threads * per_thread);
  EXPECT_EQ(failed.load(), 0);
  auto st = (*sp)->stats();
  EXPECT_EQ(st.depth, static_cast<std::size_t>(threads * per_thread));
  // Group commit: far fewer fdatasyncs than durable appends.
  EXPECT_LT(st.flushes * 4, static_cast<std::uint64_t>(threads * per_thread)) << st.flushes;
  EXPECT_LT(st.batches * 4, static_cast<std::uint64_t>(threads * per_thread)) << st.batches;
}

TEST(RouteSpool, WritePolicyCallsBackBeforeTheTimedFlush) {
  temp_dir d;
  auto o = opts_for(d);
  o.durability = durability::write;
  o.flush_interval = 50ms;
  auto sp = route_spool::open(o);
  ASSERT_TRUE((*sp)->append_sync(make_msgs(5), 1));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((*sp)->stats().flushes == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_GE((*sp)->stats().flushes, 1u) << "the timed flush ran";
  sp->reset();
  auto again = route_spool::open(o);
  EXPECT_EQ((*again)->stats().depth, 5u);
}

TEST(RouteSpool, ReadyHandlerRunsAfterCommitWithTargets) {
  temp_dir d;
  auto sp = route_spool::open(opts_for(d));
  std::mutex mu;
  std::condition_variable cv;
  target_mask seen = 0;
  (*sp)->set_ready_handler([&](target_mask t) {
    std::lock_guard lk(mu);
    seen |= t;
    cv.notify_all();
  });
  ASSERT_TRUE((*sp)->append(make_msg("x"), 0b110, nullptr));
  std::unique_lock lk(mu);
  ASSERT_TRUE(cv.wait_for(lk, 10s, [&] { return seen != 0; }));
  EXPECT_EQ(seen, 0b110u);
}

TEST(RouteSpool, DeliveryMayStartBeforeTheFlushButTheCallbackWaitsForIt) {
  temp_dir d;
  auto o = opts_for(d);
  o.durability = durability::fsync;
  auto sp = route_spool::open(o);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> order;
  std::uint64_t flushes_at_ready = 0, flushes_at_callback = 0;
  (*sp)->set_ready_handler([&](target_mask) {
    std::lock_guard lk(mu);
    flushes_at_ready = (*sp)->stats().flushes;
    order.push_back("ready");
  });
  ASSERT_TRUE((*sp)->append(make_msg("x"), 1, [&](result<void> r) {
    EXPECT_TRUE(r.has_value());
    std::lock_guard lk(mu);
    flushes_at_callback = (*sp)->stats().flushes;
    order.push_back("stored");
    cv.notify_all();
  }));
  std::unique_lock lk(mu);
  ASSERT_TRUE(cv.wait_for(lk, 10s, [&] { return order.size() == 2; }));
  // handed to delivery first, then the source is answered, after its flush
  EXPECT_EQ(order, (std::vector<std::string>{"ready", "stored"}));
  EXPECT_EQ(flushes_at_ready, 0u);
  EXPECT_EQ(flushes_at_callback, 1u);
}

TEST(RouteSpool, OldestAgeAndRejectsNoTarget) {
  temp_dir d;
  auto sp = route_spool::open(opts_for(d));
  EXPECT_EQ((*sp)->stats().oldest_age, 0ms);
  auto r = (*sp)->append(make_msg("x"), 0, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "spool.no_target");
  ASSERT_TRUE((*sp)->append_sync({make_msg("x")}, 1));
  // The age grows while the message waits (a condition with a deadline, not a sleep).
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((*sp)->stats().oldest_age < 20ms && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_GE((*sp)->stats().oldest_age, 20ms);
  EXPECT_LT((*sp)->stats().oldest_age, 10s);
}

}  // namespace
}  // namespace simpul::spool
