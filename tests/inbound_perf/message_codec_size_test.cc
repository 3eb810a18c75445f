#include "hub/spool/message_codec.h"

#include <gtest/gtest.h>

namespace simpul::spool {
namespace {

TEST(MessageCodecSize, EncodedSizeIsExactlyWhatEncodeAppends) {
  message m;
  EXPECT_EQ(encoded_size(m), [&] {
    std::string out;
    encode_message(out, m);
    return out.size();
  }());
  m.id = make_message_id();
  m.key = "device-7";
  m.headers.add("Content-Type", "application/json");
  m.headers.add("X-Custom", std::string(300, 'h'));
  m.body = std::string(1024, 'b');
  m.content_type = "application/json";
  m.source = "api";
  m.route = "ingest";
  m.trace_id = make_trace_id();
  m.attempt = 3;
  m.attributes = {{"path", "/in"}, {"method", "POST"}, {"remote", "127.0.0.1:4242"}};
  std::string out = "prefix";
  encode_message(out, m);
  EXPECT_EQ(out.size(), 6 + encoded_size(m));
  auto back = decode_message(std::string_view(out).substr(6));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->body, m.body);
  EXPECT_EQ(back->attributes, m.attributes);
  EXPECT_EQ(back->headers.entries(), m.headers.entries());
}

}  // namespace
}  // namespace simpul::spool
