#include "connectors/http/http_util.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "hub/message.h"

namespace simpul::http {
namespace {

using namespace std::chrono_literals;

TEST(Traceparent, ValidHeaderGivesTraceId) {
  EXPECT_EQ(trace_id_from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST(Traceparent, MalformedHeadersAreRefused) {
  EXPECT_FALSE(trace_id_from_traceparent(""));
  EXPECT_FALSE(trace_id_from_traceparent("garbage"));
  // upper-case hex, all-zero trace or parent, forbidden version, extra data on v00
  EXPECT_FALSE(
      trace_id_from_traceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(
      trace_id_from_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(
      trace_id_from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
  EXPECT_FALSE(
      trace_id_from_traceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(
      trace_id_from_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"));
  // a future version may carry more fields
  EXPECT_TRUE(
      trace_id_from_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"));
}

TEST(Traceparent, OutgoingHeaderCarriesTraceIdAndParsesBack) {
  auto tid = make_trace_id();
  auto tp = make_traceparent(tid);
  EXPECT_EQ(trace_id_from_traceparent(tp), tid);
  EXPECT_NE(make_traceparent(tid), tp) << "each request gets its own span id";
  auto fresh = make_traceparent("not-a-trace-id");
  EXPECT_TRUE(trace_id_from_traceparent(fresh).has_value());
  EXPECT_TRUE(trace_id_from_traceparent(make_traceparent(std::string(32, '0'))).has_value());
  std::string line = "traceparent: ";
  append_traceparent(line, tid);
  EXPECT_EQ(line.size(), 13u + 55u);
  EXPECT_EQ(trace_id_from_traceparent(line.substr(13)), tid);
}

TEST(HostPort, ParsesHostsAndPorts) {
  auto a = parse_host_port("127.0.0.1:8080");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto b = parse_host_port("[::1]:0");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 0);
  EXPECT_TRUE(parse_host_port("localhost:443"));
  EXPECT_FALSE(parse_host_port("8080"));
  EXPECT_FALSE(parse_host_port(":8080"));
  EXPECT_FALSE(parse_host_port("host:70000"));
  EXPECT_FALSE(parse_host_port("host:http"));
  EXPECT_FALSE(parse_host_port("[::1]8080"));
  EXPECT_EQ(parse_host_port("x").error().code, "config.bad_listen");
}

TEST(EndpointText, HostAndPortWithIpv6Bracketed) {
  using boost::asio::ip::make_address;
  using boost::asio::ip::tcp;
  EXPECT_EQ(endpoint_text(tcp::endpoint(make_address("127.0.0.1"), 8080)), "127.0.0.1:8080");
  EXPECT_EQ(endpoint_text(tcp::endpoint(make_address("::1"), 443)), "[::1]:443");
}

TEST(RetryAfter, SecondsAndDates) {
  auto now =
      std::chrono::system_clock::from_time_t(1'700'000'000);  // Tue, 14 Nov 2023 22:13:20 GMT
  EXPECT_EQ(parse_retry_after("120", now), 120s);
  EXPECT_EQ(parse_retry_after(" 5 ", now), 5s);
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:14:20 GMT", now), 60s);
  EXPECT_EQ(parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now), 0s) << "past dates mean now";
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("-3", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
}

TEST(JsonError, EscapesAndCarriesId) {
  auto body = json_error_body("x.y", "a \"quoted\"\nline", "01ABC");
  rapidjson::Document d;
  d.Parse(body.c_str());
  ASSERT_FALSE(d.HasParseError()) << body;
  EXPECT_STREQ(d["error"]["code"].GetString(), "x.y");
  EXPECT_STREQ(d["error"]["message"].GetString(), "a \"quoted\"\nline");
  EXPECT_STREQ(d["id"].GetString(), "01ABC");
  rapidjson::Document d2;
  d2.Parse(json_error_body("c", "m").c_str());
  EXPECT_FALSE(d2.HasMember("id"));
}

}  // namespace
}  // namespace simpul::http
