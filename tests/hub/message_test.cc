#include "hub/message.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace simpul {
namespace {

TEST(MessageId, IsUlidShapedAndStrictlyIncreasing) {
  std::string prev;
  for (int i = 0; i < 10000; ++i) {
    auto id = make_message_id();
    ASSERT_EQ(id.size(), 26u);
    ASSERT_GT(id, prev);
    prev = id;
  }
}

TEST(MessageId, UniqueAcrossThreads) {
  std::vector<std::string> ids[4];
  std::vector<std::thread> ts;
  for (auto& v : ids) {
    ts.emplace_back([&v] {
      for (int i = 0; i < 5000; ++i) v.push_back(make_message_id());
    });
  }
  for (auto& t : ts) t.join();
  std::set<std::string> all;
  for (auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 20000u);
}

TEST(Headers, CaseInsensitiveLookupAndSetReplaces) {
  headers h;
  h.add("Content-Type", "text/plain");
  h.set("content-type", "application/json");
  ASSERT_TRUE(h.get("CONTENT-TYPE"));
  EXPECT_EQ(*h.get("Content-Type"), "application/json");
  EXPECT_EQ(h.entries().size(), 1u);
  EXPECT_FALSE(h.get("x-missing"));
}

TEST(TraceId, Is32Hex) {
  auto t = make_trace_id();
  ASSERT_EQ(t.size(), 32u);
  EXPECT_EQ(t.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace simpul
