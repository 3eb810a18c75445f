#include "hub/spool/frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hub/message.h"
#include "hub/spool/crc32c.h"
#include "hub/spool/message_codec.h"

namespace simpul::spool {
namespace {

TEST(Crc32c, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST(Crc32c, ExtendEqualsWholeForEveryLengthAndSplit) {
  std::string data;
  for (int i = 0; i < 100; ++i) data.push_back(static_cast<char>(i * 37 + 11));
  auto whole = crc32c(data);
  for (std::size_t cut = 0; cut <= data.size(); ++cut) {
    auto a = crc32c(std::string_view(data).substr(0, cut));
    EXPECT_EQ(crc32c_extend(a, data.data() + cut, data.size() - cut), whole) << cut;
  }
}

std::vector<std::string> payloads(const std::string& buf, scan_report& rep) {
  std::vector<std::string> out;
  rep = scan_frames(buf, [&](const frame_view& f) { out.emplace_back(f.payload); });
  return out;
}

TEST(Frame, ScanResyncsPastGarbageBetweenRecords) {
  std::string buf;
  append_frame(buf, record_type::append, 1, "one");
  buf += "garbage SPL1 with a fake magic inside";
  append_frame(buf, record_type::append, 2, "two");
  append_frame(buf, record_type::ack, 3, "three");
  scan_report rep;
  auto got = payloads(buf, rep);
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(rep.damaged_regions, 1u);
  EXPECT_EQ(rep.skipped_bytes, 37u);
  EXPECT_FALSE(rep.torn_tail);
}

TEST(Frame, EveryFlippedBitCostsOnlyItsOwnRecord) {
  std::string clean;
  append_frame(clean, record_type::append, 1, "alpha");
  auto second_at = clean.size();
  append_frame(clean, record_type::append, 2, "bravo-bravo");
  auto third_at = clean.size();
  append_frame(clean, record_type::append, 3, "charlie");
  for (auto pos = second_at; pos < third_at; ++pos) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string buf = clean;
      buf[pos] = static_cast<char>(buf[pos] ^ (1 << bit));
      scan_report rep;
      auto got = payloads(buf, rep);
      ASSERT_EQ(got, (std::vector<std::string>{"alpha", "charlie"})) << pos << ":" << bit;
      ASSERT_EQ(rep.damaged_regions, 1u);
    }
  }
}

TEST(Frame, TruncatedLastRecordIsATornTail) {
  std::string buf;
  append_frame(buf, record_type::append, 1, "kept");
  append_frame(buf, record_type::append, 2, "cut short");
  buf.resize(buf.size() - 4);
  scan_report rep;
  auto got = payloads(buf, rep);
  EXPECT_EQ(got, (std::vector<std::string>{"kept"}));
  EXPECT_TRUE(rep.torn_tail);
  EXPECT_EQ(rep.damaged_regions, 0u);
}

TEST(MessageCodec, RoundTripsEveryField) {
  message m;
  m.id = make_message_id();
  m.key = "3204";
  m.headers.add("Content-Type", "application/json");
  m.headers.add("X-Api-Key", "");
  m.body = std::string("{\"a\":1}\0binary", 14);
  m.content_type = "application/json";
  m.source = "http_in";
  m.route = "lapor";
  m.received_at = std::chrono::system_clock::now();
  m.trace_id = make_trace_id();
  m.attempt = 7;
  m.attributes = {{"path", "/lapor"}, {"topic_1", "3204"}};
  std::string buf;
  encode_message(buf, m);
  auto d = decode_message(buf);
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->id, m.id);
  EXPECT_EQ(d->key, m.key);
  EXPECT_EQ(d->headers.entries(), m.headers.entries());
  EXPECT_EQ(d->body, m.body);
  EXPECT_EQ(d->content_type, m.content_type);
  EXPECT_EQ(d->source, m.source);
  EXPECT_EQ(d->route, m.route);
  EXPECT_EQ(d->received_at, m.received_at);
  EXPECT_EQ(d->trace_id, m.trace_id);
  EXPECT_EQ(d->attempt, 7u);
  EXPECT_EQ(d->attributes, m.attributes);
  for (std::size_t cut = 0; cut < buf.size(); ++cut) {
    ASSERT_FALSE(decode_message(std::string_view(buf).substr(0, cut))) << cut;
  }
}

}  // namespace
}  // namespace simpul::spool
