#include "connectors/http/http_util.h"

#include <gtest/gtest.h>

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/serializer.hpp>

namespace simpul::http {
namespace {

namespace bhttp = boost::beast::http;

// Everything Beast's serializer writes for `res`.
std::string beast_bytes(response res) {
  bhttp::response_serializer<bhttp::string_body> sr(res);
  std::string out;
  boost::beast::error_code ec;
  while (!sr.is_done() && !ec) {
    sr.next(ec, [&](boost::beast::error_code&, const auto& buffers) {
      std::size_t n = 0;
      for (auto b : boost::beast::buffers_range_ref(buffers)) {
        out.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      sr.consume(n);
    });
  }
  return out;
}

std::string ours(const response& res) {
  std::string head = "stale bytes from the previous response";
  EXPECT_TRUE(serialize_response_head(res, head));
  return head + res.body();
}

TEST(ResponseHead, SameBytesAsBeastForTheAnswersTheServerSends) {
  auto accepted = response{bhttp::status::accepted, 11};
  accepted.set(bhttp::field::content_type, "application/json");
  accepted.set("X-Request-Id", "01JABCDEFGHJKMNPQRSTVWXYZ0");
  accepted.body() = R"({"id":"01JABCDEFGHJKMNPQRSTVWXYZ0"})";
  accepted.keep_alive(true);
  accepted.prepare_payload();
  EXPECT_EQ(ours(accepted), beast_bytes(accepted));

  auto busy = make_json_error(503, "route.unavailable", "full", "01J", 10, false);
  busy.set(bhttp::field::retry_after, "1");
  EXPECT_EQ(ours(busy), beast_bytes(busy));

  auto custom = response{static_cast<bhttp::status>(299), 11};  // no standard reason
  custom.insert("X-Odd-Header", "with: colon");
  custom.reason("Fine");
  custom.body() = "";
  custom.prepare_payload();
  EXPECT_EQ(ours(custom), beast_bytes(custom));

  auto unknown = response{static_cast<bhttp::status>(599), 11};
  unknown.prepare_payload();
  EXPECT_EQ(ours(unknown), beast_bytes(unknown));
}

TEST(ResponseHead, ChunkedResponsesAreLeftToBeast) {
  response res{bhttp::status::ok, 11};
  res.chunked(true);
  std::string head;
  EXPECT_FALSE(serialize_response_head(res, head));
}

}  // namespace
}  // namespace simpul::http
