// Appenders, two delivery workers and compaction all at once, with nothing
// cached (every take reads back from disk, racing copy-forward), then a
// reopen that must see exactly what was left pending.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "hub/spool/route_spool.h"
#include "tests/hub/spool/spool_test_util.h"
#include "tests/hub/spool/temp_dir.h"

namespace simpul::spool {
namespace {

using namespace simpul::spool::testing;
using namespace std::chrono_literals;

TEST(RouteSpoolStress, ConcurrentAppendDeliverCompactThenReopen) {
  temp_dir d;
  spool_options o;
  o.dir = d.sub("spool/r");
  o.segment_bytes = 16 << 10;
  o.cache_bytes = 0;
  constexpr int producers = 2, per_producer = 1500;
  constexpr int total = producers * per_producer;

  std::mutex mu;
  std::set<std::string> kept;  // ids target 1 parks for later: must survive
  std::atomic<int> committed{0}, delivered0{0}, handled1{0};
  {
    auto sp = route_spool::open(o);
    ASSERT_TRUE(sp);
    std::vector<std::thread> ts;
    for (int p = 0; p < producers; ++p) {
      ts.emplace_back([&, p] {
        for (int i = 0; i < per_producer; ++i) {
          auto m = make_msg(std::to_string(p * per_producer + i) + std::string(300, 'p'));
          auto r = (*sp)->append(m, 0b11, [&](result<void> res) {
            if (res) committed.fetch_add(1);
          });
          ASSERT_TRUE(r) << r.error().message;
        }
      });
    }
    // target 0 delivers everything
    ts.emplace_back([&] {
      auto deadline = std::chrono::steady_clock::now() + 60s;
      while (delivered0.load() < total && std::chrono::steady_clock::now() < deadline) {
        for (const auto& it : (*sp)->take(0, 50)) {
          (*sp)->ack(it);
          delivered0.fetch_add(1);
        }
        std::this_thread::yield();
      }
    });
    // target 1 parks every 7th message (retry in an hour), delivers the rest
    ts.emplace_back([&] {
      auto deadline = std::chrono::steady_clock::now() + 60s;
      while (handled1.load() < total && std::chrono::steady_clock::now() < deadline) {
        for (const auto& it : (*sp)->take(1, 50)) {
          if (std::stoi(it.msg->body) % 7 == 0) {
            {
              std::lock_guard lk(mu);
              kept.insert(it.msg->id);
            }
            (*sp)->retry_at(it, std::chrono::system_clock::now() + 1h);
          } else {
            (*sp)->ack(it);
          }
          handled1.fetch_add(1);
        }
        std::this_thread::yield();
      }
    });
    for (auto& t : ts) t.join();
    ASSERT_TRUE((*sp)->flush());
    ASSERT_TRUE((*sp)->flush());  // one more writer pass to collect
    EXPECT_EQ(committed.load(), total);
    EXPECT_EQ(delivered0.load(), total);
    EXPECT_EQ(handled1.load(), total);
    auto st = (*sp)->stats();
    EXPECT_EQ(st.depth, kept.size());
    EXPECT_EQ(st.unreadable, 0u) << "a take lost a record to compaction";
    EXPECT_GT(st.compacted_segments, 0u);
    EXPECT_GT(st.copied_forward, 0u) << "parked messages were moved off old segments";
    // Space stays proportional to what is pending, not to what went through.
    EXPECT_LT(st.disk_bytes, 2 * st.bytes + 4 * o.segment_bytes)
        << st.segments << " segments, " << st.bytes << " pending bytes";
    // What reopening must find: the parked messages, each one attempt in.
    for (const auto& it : (*sp)->take(1, total, std::chrono::system_clock::now() + 2h)) {
      EXPECT_EQ(it.attempt, 1u) << "in memory, seq " << it.seq;
    }
  }
  auto sp = route_spool::open(o);
  ASSERT_TRUE(sp);
  auto st = (*sp)->stats();
  EXPECT_EQ(st.recovery.damaged_regions, 0u);
  EXPECT_FALSE(st.recovery.torn_tail);
  EXPECT_TRUE((*sp)->take(0, 10).empty()) << "target 0 acked everything";
  auto later = (*sp)->take(1, total, std::chrono::system_clock::now() + 2h);
  std::set<std::string> present;
  for (const auto& it : later) {
    present.insert(it.msg->id);
    EXPECT_EQ(it.attempt, 1u) << "after reopen, seq " << it.seq;
  }
  EXPECT_EQ(present, kept);
}

}  // namespace
}  // namespace simpul::spool
