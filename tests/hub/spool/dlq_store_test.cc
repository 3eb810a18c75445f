#include "hub/spool/dlq_store.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/hub/spool/temp_dir.h"

namespace simpul::spool {
namespace {

using namespace simpul::spool::testing;
using namespace std::chrono_literals;
using sys_clock = std::chrono::system_clock;

dlq_entry make_entry(const std::string& route, const std::string& reason,
                     sys_clock::time_point when) {
  dlq_entry e;
  e.msg.id = make_message_id();
  e.msg.key = "3204";
  e.msg.body = R"({"nik":"3204..."})";
  e.msg.route = route;
  e.msg.trace_id = make_trace_id();
  e.route = route;
  e.target = "kemendagri_api";
  e.reason_code = reason;
  e.reason_text = "national service answered 422";
  e.last_status = 422;
  e.last_body = std::string(10000, 'r');
  e.attempts = 5;
  e.first_failure = when - 1h;
  e.dead_lettered = when;
  return e;
}

TEST(DlqStore, AddGetListFilterRemoveAcrossReopen) {
  temp_dir d;
  dlq_options o;
  o.dir = d.sub("dlq");
  auto t0 = sys_clock::time_point(std::chrono::milliseconds(1'790'000'000'000));
  std::vector<std::string> ids;
  std::string lapor_msg_id;
  {
    auto dlq = dlq_store::open(o);
    ASSERT_TRUE(dlq) << dlq.error().message;
    for (int i = 0; i < 10; ++i) {
      auto e = make_entry(i % 2 ? "lapor" : "sensor", i < 5 ? "http.status_4xx" : "retries_exhausted",
                          t0 + std::chrono::minutes(i));
      if (i == 1) lapor_msg_id = e.msg.id;
      auto id = (*dlq)->add(std::move(e));
      ASSERT_TRUE(id);
      ids.push_back(*id);
    }
    EXPECT_EQ((*dlq)->count(), 10u);
  }
  auto dlq = dlq_store::open(o);
  ASSERT_TRUE(dlq);
  EXPECT_EQ((*dlq)->count(), 10u);

  auto got = (*dlq)->get(ids[1]);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->msg.id, lapor_msg_id);
  EXPECT_EQ(got->route, "lapor");
  EXPECT_EQ(got->target, "kemendagri_api");
  EXPECT_EQ(got->reason_code, "http.status_4xx");
  EXPECT_EQ(got->reason_text, "national service answered 422");
  EXPECT_EQ(got->last_status, 422);
  EXPECT_EQ(got->last_body.size(), o.max_response_bytes) << "response body truncated";
  EXPECT_EQ(got->attempts, 5u);
  EXPECT_EQ(got->dead_lettered, t0 + 1min);
  EXPECT_EQ(got->first_failure, t0 + 1min - 1h);
  EXPECT_EQ(got->trace_id, got->msg.trace_id);
  EXPECT_EQ(got->msg.body, R"({"nik":"3204..."})");

  dlq_query by_route;
  by_route.route = "lapor";
  auto lapor = (*dlq)->list(by_route);
  EXPECT_EQ(lapor.items.size(), 5u);
  dlq_query by_reason = by_route;
  by_reason.reason_code = "http.status_4xx";
  auto lapor_4xx = (*dlq)->list(by_reason);
  ASSERT_EQ(lapor_4xx.items.size(), 2u);  // i = 1, 3
  EXPECT_EQ(lapor_4xx.items[0].id, ids[1]);
  EXPECT_EQ(lapor_4xx.items[1].id, ids[3]);
  dlq_query by_time;
  by_time.from = t0 + 2min;
  by_time.to = t0 + 5min;
  auto window = (*dlq)->list(by_time);
  ASSERT_EQ(window.items.size(), 3u);
  EXPECT_EQ(window.items[0].id, ids[2]);

  // pagination walks everything exactly once, in order
  std::vector<std::string> walked;
  dlq_query q;
  q.limit = 3;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = (*dlq)->list(q);
    for (const auto& s : page.items) walked.push_back(s.id);
    if (page.next.empty()) break;
    q.after = page.next;
  }
  EXPECT_EQ(walked, ids);

  auto removed = (*dlq)->remove(std::vector<std::string>{ids[0], ids[1], "nope"});
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 2u);
  auto missing = (*dlq)->get(ids[1]);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "dlq.not_found");

  auto per_route = (*dlq)->per_route();
  EXPECT_EQ(per_route["lapor"].count, 4u);
  EXPECT_EQ(per_route["sensor"].count, 4u);
  EXPECT_GE(per_route["sensor"].oldest_age,
            std::chrono::duration_cast<std::chrono::milliseconds>(sys_clock::now() - (t0 + 2min)) -
                1s);
  dlq->reset();
  auto again = dlq_store::open(o);
  EXPECT_EQ((*again)->count(), 8u);
  EXPECT_FALSE((*again)->get(ids[0]));
  EXPECT_TRUE((*again)->get(ids[9]));
}

TEST(DlqStore, RemovedEntriesFreeTheirSegmentsAndSurvivorsMoveForward) {
  temp_dir d;
  dlq_options o;
  o.dir = d.sub("dlq");
  o.segment_bytes = 8192;
  std::vector<std::string> ids;
  auto dlq = dlq_store::open(o);
  for (int i = 0; i < 40; ++i) {
    auto e = make_entry("lapor", "retries_exhausted", sys_clock::now());
    e.last_body = std::string(1000, 'b');
    ids.push_back(*(*dlq)->add(std::move(e)));
  }
  auto before = segment_files(o.dir).size();
  EXPECT_GE(before, 5u);
  // purge everything but the very first entry, which pins the oldest segment
  ASSERT_TRUE((*dlq)->remove(std::span(ids).subspan(1)));
  EXPECT_LE(segment_files(o.dir).size(), 3u);
  dlq->reset();
  auto again = dlq_store::open(o);
  EXPECT_EQ((*again)->count(), 1u);
  auto kept = (*again)->get(ids[0]);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->last_body.size(), 1000u);
}

}  // namespace
}  // namespace simpul::spool
