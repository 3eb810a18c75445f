#include "hub/spool/segment_log.h"

#include <gtest/gtest.h>

#include "tests/hub/spool/temp_dir.h"

namespace simpul::spool {
namespace {

using namespace simpul::spool::testing;

record_location put(segment_log& log, const std::string& payload) {
  std::string buf;
  append_frame(buf, record_type::append, 0, payload);
  const auto size = static_cast<std::uint32_t>(buf.size());
  std::vector<record_location> where;
  EXPECT_TRUE(log.write(buf, std::span(&size, 1), where, true));
  return where.at(0);
}

TEST(SegmentLog, ASegmentThatAmendsALiveOneOutlivesIt) {
  temp_dir d;
  auto log = segment_log::open({d.sub("log"), 64}, [](const segment_log::recovered&) {});
  ASSERT_TRUE(log);
  auto a = put(**log, std::string(40, 'a'));  // each record fills a segment
  auto b = put(**log, std::string(40, 'b'));
  auto c = put(**log, std::string(40, 'c'));
  ASSERT_LT(a.segment, b.segment);
  ASSERT_LT(b.segment, c.segment);
  (*log)->retain(a);
  (*log)->add_ref(b.segment, a.segment);  // b holds, say, an ack for a record in a's segment
  EXPECT_EQ((*log)->collect(), 0u) << "a is live; b refers to a";
  auto payload = (*log)->read(a);
  ASSERT_TRUE(payload);
  EXPECT_EQ(*payload, std::string(40, 'a'));
  (*log)->release(a);
  EXPECT_EQ((*log)->collect(), 2u) << "a, then b; c is the active segment";
  EXPECT_EQ((*log)->segment_count(), 1u);
  EXPECT_FALSE((*log)->read(a));
}

TEST(SegmentLog, SparseSegmentsAreTheMostlyDeadSealedOnes) {
  temp_dir d;
  auto log = segment_log::open({d.sub("log"), 384}, [](const segment_log::recovered&) {});
  ASSERT_TRUE(log);
  std::vector<record_location> locs;  // 64-byte frames, six to a segment
  for (int i = 0; i < 12; ++i) locs.push_back(put(**log, std::string(40, 'x')));
  for (const auto& l : locs) (*log)->retain(l);
  EXPECT_TRUE((*log)->sparse_segments(0.25).empty());
  // keep one record of the first segment only
  for (const auto& l : locs) {
    if (l.segment == locs[0].segment && l.offset == 0) continue;
    if (l.segment == locs[0].segment) (*log)->release(l);
  }
  EXPECT_EQ((*log)->sparse_segments(0.25), std::vector<std::uint64_t>{locs[0].segment});
}

TEST(SegmentLog, ReopenReplaysEverySegmentInOrderAndStartsAFreshOne) {
  temp_dir d;
  {
    auto log = segment_log::open({d.sub("log"), 100}, [](const segment_log::recovered&) {});
    for (int i = 0; i < 5; ++i) put(**log, "record " + std::to_string(i) + std::string(50, '.'));
  }
  std::vector<std::string> seen;
  auto log = segment_log::open({d.sub("log"), 100}, [&](const segment_log::recovered& r) {
    seen.emplace_back(r.payload.substr(0, 8));
  });
  ASSERT_TRUE(log);
  EXPECT_EQ(seen, (std::vector<std::string>{"record 0", "record 1", "record 2", "record 3",
                                            "record 4"}));
  EXPECT_EQ((*log)->segment_count(), 6u);
  EXPECT_EQ((*log)->recovery().records, 5u);
}

}  // namespace
}  // namespace simpul::spool
