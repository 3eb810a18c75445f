#include "connectors/http/http_server.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <set>
#include <sstream>

#include "connectors/registry.h"
#include "tests/connectors/http/test_support.h"

namespace simpul::test {
namespace {

using connectors::ingest_result;

ingest_result accept_all(const message&) { return {}; }

rapidjson::Document parse_json(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  return d;
}

// Writes raw bytes on `c` and reads one response (a failed read fails the test).
string_response raw_exchange(client_connection& c, std::string_view bytes) {
  c.write_raw(bytes);
  string_response res;
  boost::beast::flat_buffer buf;
  boost::system::error_code ec;
  bhttp::read(c.socket(), buf, res, ec);
  EXPECT_FALSE(ec) << ec.message();
  return res;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void start(recording_ingress::answer_fn answer, const std::string& settings = "",
             const std::string& route = "path: /lapor", bool async = false) {
    connectors::registry reg;
    connectors::register_all(reg);
    const auto* factory = reg.find("http_server");
    ASSERT_NE(factory, nullptr);
    auto made = factory->make_input(yaml_node("listen: 127.0.0.1:0\n" + settings), tc.ctx);
    ASSERT_TRUE(made) << made.error().message;
    server.reset(static_cast<connectors::http_server*>(made->release()));
    ingress = std::make_shared<recording_ingress>(std::move(answer), async);
    ASSERT_TRUE(server->bind({"lapor", yaml_node(route), ingress}));
    auto started = server->start();
    ASSERT_TRUE(started) << started.error().message;
    ASSERT_TRUE(server->ready());
    port = server->port();
    ASSERT_NE(port, 0);
  }

  void TearDown() override {
    if (server) server->stop();
    server.reset();
    EXPECT_TRUE(runner.finish()) << "an async operation outlived stop()";
  }

  io_runner runner;
  test_context tc{runner.io(), "api"};
  std::unique_ptr<connectors::http_server> server;
  std::shared_ptr<recording_ingress> ingress;
  std::uint16_t port = 0;
};

TEST_F(HttpServerTest, AcceptedRequestGets202WithMessageId) {
  start(accept_all);
  client_connection c(port);
  auto req = make_request(bhttp::verb::post, "/lapor?kab=3204", R"({"nik":"x"})");
  req.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  req.set("X-Pemda", "bandung");
  auto res = c.round_trip(req);

  EXPECT_EQ(res.result_int(), 202);
  auto body = parse_json(res.body());
  ASSERT_TRUE(body.IsObject() && body.HasMember("id"));
  std::string id = body["id"].GetString();
  EXPECT_EQ(id.size(), 26u);
  EXPECT_EQ(res["X-Request-Id"], id);

  auto got = ingress->received();
  ASSERT_EQ(got.size(), 1u);
  const auto& m = *got[0];
  EXPECT_EQ(m.id, id);
  EXPECT_EQ(m.body, R"({"nik":"x"})");
  EXPECT_EQ(m.content_type, "application/json");
  EXPECT_EQ(m.trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(m.source, "api");
  EXPECT_EQ(m.route, "lapor");
  EXPECT_EQ(m.headers.get("x-pemda").value_or(""), "bandung");
  EXPECT_EQ(m.attribute("path").value_or(""), "/lapor");
  EXPECT_EQ(m.attribute("method").value_or(""), "POST");
  EXPECT_EQ(m.attribute("query").value_or(""), "kab=3204");
  EXPECT_TRUE(m.attribute("remote").value_or("").starts_with("127.0.0.1:"));
}

TEST_F(HttpServerTest, MissingOrBadTraceparentGetsFreshTraceId) {
  start(accept_all);
  client_connection c(port);
  auto req = make_request(bhttp::verb::post, "/lapor", "{}");
  req.set("traceparent", "00-00000000000000000000000000000000-b7ad6b7169203331-01");
  EXPECT_EQ(c.round_trip(req).result_int(), 202);
  auto got = ingress->received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]->trace_id.size(), 32u);
  EXPECT_NE(got[0]->trace_id, std::string(32, '0'));
}

TEST_F(HttpServerTest, ReplyIsPassedThrough) {
  start(
      [](const message& m) {
        ingest_result r;
        r.state = ingest_result::status::replied;
        r.http_status = 201;
        r.reply_body = "echo:" + m.body;
        r.reply_content_type = "text/plain";
        r.reply_headers.set("X-Pusat-Ref", "REF-7");
        return r;
      },
      "", "path: /lapor", true);
  client_connection c(port);
  auto res = c.round_trip(make_request(bhttp::verb::post, "/lapor", "halo"));
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_EQ(res.body(), "echo:halo");
  EXPECT_EQ(res[bhttp::field::content_type], "text/plain");
  EXPECT_EQ(res["X-Pusat-Ref"], "REF-7");
  EXPECT_EQ(res["X-Request-Id"].size(), 26u);
}

TEST_F(HttpServerTest, RejectedRequestGetsItsStatusAndJsonError) {
  start([](const message&) {
    ingest_result r;
    r.state = ingest_result::status::rejected;
    r.http_status = 422;
    r.error_code = "validate.schema";
    r.reason = "field 'nik' must have 16 digits";
    return r;
  });
  client_connection c(port);
  auto res = c.round_trip(make_request(bhttp::verb::post, "/lapor", R"({"nik":"1"})"));
  EXPECT_EQ(res.result_int(), 422);
  auto body = parse_json(res.body());
  ASSERT_TRUE(body.IsObject());
  EXPECT_STREQ(body["error"]["code"].GetString(), "validate.schema");
  EXPECT_STREQ(body["error"]["message"].GetString(), "field 'nik' must have 16 digits");
  EXPECT_EQ(body["id"].GetString(), res["X-Request-Id"]);
}

TEST_F(HttpServerTest, RejectedWithoutStatusGets400) {
  start([](const message&) {
    ingest_result r;
    r.state = ingest_result::status::rejected;
    r.http_status = 0;
    r.reason = "not JSON";
    return r;
  });
  client_connection c(port);
  auto res = c.round_trip(make_request(bhttp::verb::post, "/lapor", "{"));
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_STREQ(parse_json(res.body())["error"]["message"].GetString(), "not JSON");
}

TEST_F(HttpServerTest, UnavailableGets503WithRetryAfter) {
  start([](const message&) {
    ingest_result r;
    r.state = ingest_result::status::unavailable;
    r.http_status = 503;
    r.retry_after = std::chrono::seconds(12);
    r.reason = "queue full";
    return r;
  });
  client_connection c(port);
  auto res = c.round_trip(make_request(bhttp::verb::post, "/lapor", "{}"));
  EXPECT_EQ(res.result_int(), 503);
  EXPECT_EQ(res[bhttp::field::retry_after], "12");
  EXPECT_FALSE(res["X-Request-Id"].empty());
}

TEST_F(HttpServerTest, UnknownPathGets404AndIsDeadLettered) {
  start(accept_all);
  client_connection c(port);
  auto res = c.round_trip(make_request(bhttp::verb::post, "/tidak-ada", "{\"a\":1}"));
  EXPECT_EQ(res.result_int(), 404);
  auto body = parse_json(res.body());
  ASSERT_TRUE(body.IsObject());
  EXPECT_STREQ(body["error"]["code"].GetString(), "http.no_route");
  EXPECT_TRUE(ingress->received().empty());
  std::lock_guard lock(tc.mu);
  ASSERT_EQ(tc.dead.size(), 1u);
  EXPECT_EQ(tc.dead[0].first->body, "{\"a\":1}");
  EXPECT_EQ(tc.dead[0].first->id, res["X-Request-Id"]);
  EXPECT_EQ(tc.dead[0].second.code, "http.no_route");
}

TEST_F(HttpServerTest, WrongMethodGets405WithAllow) {
  start(accept_all, "", "path: /lapor\nmethods: [post, PUT]");
  client_connection c(port);
  auto res = c.round_trip(make_request(bhttp::verb::get, "/lapor"));
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[bhttp::field::allow], "POST, PUT");
  EXPECT_STREQ(parse_json(res.body())["error"]["code"].GetString(), "http.method_not_allowed");
  EXPECT_EQ(c.round_trip(make_request(bhttp::verb::put, "/lapor", "{}")).result_int(), 202);
  EXPECT_EQ(ingress->received().size(), 1u);
}

TEST_F(HttpServerTest, OversizedBodyGets413) {
  start(accept_all, "max_body: 1KiB\n");
  client_connection c(port);
  auto res = c.round_trip(make_request(bhttp::verb::post, "/lapor", std::string(4096, 'x')));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_STREQ(parse_json(res.body())["error"]["code"].GetString(), "http.body_too_large");
  EXPECT_FALSE(res["X-Request-Id"].empty());
  EXPECT_TRUE(ingress->received().empty());
  // A body right at the limit still passes, on a new connection.
  client_connection c2(port);
  EXPECT_EQ(
      c2.round_trip(make_request(bhttp::verb::post, "/lapor", std::string(1024, 'x'))).result_int(),
      202);
}

TEST_F(HttpServerTest, MalformedRequestGets400) {
  start(accept_all);
  client_connection c(port);
  auto res = raw_exchange(c, "BLAH /lapor NOT-HTTP\r\n\r\n");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_STREQ(parse_json(res.body())["error"]["code"].GetString(), "http.bad_request");
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(HttpServerTest, LongChunkExtensionOrTrailerGets400AndTheServerStaysUp) {
  // Beast limits the head and the body, not a chunk header line or the
  // trailer. The session's read buffer took a 1 MiB chunk extension (and
  // would take gigabytes until the read deadline), then closed unanswered;
  // a trailer field of 65,534 bytes made Beast throw std::length_error out
  // of the read handler: std::terminate.
  start(accept_all, "read_timeout: 3s\n");
  const std::string head = "POST /lapor HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (const std::string& endless : {"5;" + std::string(1 << 20, 'a'),
                                     "2\r\n{}\r\n0\r\nX-T: " + std::string(65534, 'b') + "\r\n\r\n"}) {
    client_connection c(port);
    auto res = raw_exchange(c, head + endless);  // a 400 answer, not a close at the read deadline
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_STREQ(parse_json(res.body())["error"]["code"].GetString(), "http.bad_request");
  }
  EXPECT_TRUE(ingress->received().empty());
  // A chunked body with an ordinary extension and trailer still goes through.
  client_connection ok(port);
  EXPECT_EQ(raw_exchange(ok, head + "2;n=v\r\n{}\r\n0\r\nX-T: 1\r\n\r\n").result_int(), 202);
}

TEST_F(HttpServerTest, TransferEncodingNotEndingInChunkedGets400AndClose) {
  // "Transfer-Encoding: gzip": the request was read as bodiless (the route
  // got an empty message) and its body was parsed as a second request.
  start(accept_all);
  client_connection c(port);
  auto res = raw_exchange(c, "POST /lapor HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n{}");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_STREQ(parse_json(res.body())["error"]["code"].GetString(), "http.bad_request");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(ingress->received().empty());
}

TEST_F(HttpServerTest, TransferCodingsBesideChunkedGet501AndClose) {
  // "gzip, chunked": the chunks were decoded and the still-compressed bytes
  // went to the route as the body.
  start(accept_all);
  for (const char* te : {"gzip, chunked", "deflate,chunked", "gzip\r\nTransfer-Encoding: chunked",
                         "gzip\r\nX-Between: 1\r\nTransfer-Encoding: chunked"}) {
    client_connection c(port);
    auto res = raw_exchange(c, std::string("POST /lapor HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ") + te +
                                   "\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    EXPECT_EQ(res.result_int(), 501) << te;
    EXPECT_STREQ(parse_json(res.body())["error"]["code"].GetString(), "http.transfer_coding");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(c.wait_closed());
  }
  EXPECT_TRUE(ingress->received().empty());
  client_connection ok(port);
  EXPECT_EQ(raw_exchange(ok, "POST /lapor HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
                             "2\r\n{}\r\n0\r\n\r\n")
                .result_int(),
            202);
}

TEST_F(HttpServerTest, AbsoluteFormTargetsReachTheirRoute) {
  // RFC 9112 3.2.2: a server must accept the absolute form (clients send it
  // through proxies); it got 404 "no route".
  start(accept_all);
  for (const std::string& target : {"http://127.0.0.1:" + std::to_string(port) + "/lapor",
                                    std::string("HTTP://hub.example.id/lapor?src=proxy")}) {
    client_connection c(port);
    auto res = raw_exchange(c, "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    EXPECT_EQ(res.result_int(), 202) << target;
  }
  ASSERT_EQ(ingress->received().size(), 2u);
  client_connection other(port);
  EXPECT_EQ(raw_exchange(other, "POST http://x/elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                .result_int(),
            404);
}

TEST_F(HttpServerTest, HeaderTimeoutClosesSlowClient) {
  start(accept_all, "header_timeout: 200ms\n");
  client_connection c(port);
  auto t0 = std::chrono::steady_clock::now();
  c.write_raw("POST /lapor HTTP/1.1\r\nHost: x\r\n");  // and then nothing
  EXPECT_TRUE(c.wait_closed(5s));
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(elapsed, 150ms);
  EXPECT_LT(elapsed, 4s);
  EXPECT_TRUE(ingress->received().empty());
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start(accept_all);
  client_connection c(port);
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto res = c.round_trip(make_request(bhttp::verb::post, "/lapor", std::to_string(i)));
    ASSERT_EQ(res.result_int(), 202);
    EXPECT_TRUE(res.keep_alive());
    ids.insert(std::string(res["X-Request-Id"]));
  }
  EXPECT_EQ(ids.size(), 5u);
  auto got = ingress->received();
  ASSERT_EQ(got.size(), 5u);
  for (const auto& m : got) EXPECT_EQ(m->attribute("remote"), got[0]->attribute("remote"));
}

TEST_F(HttpServerTest, ConcurrentClientsAreAllServed) {
  start(accept_all, "", "path: /lapor", true);
  constexpr int clients = 12, per_client = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      client_connection c(port);
      for (int i = 0; i < per_client; ++i) {
        auto body = std::to_string(t) + "-" + std::to_string(i);
        auto res = c.round_trip(make_request(bhttp::verb::post, "/lapor", body));
        if (res.result_int() == 202) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), clients * per_client);
  auto got = ingress->received();
  std::set<std::string> ids, bodies;
  for (const auto& m : got) {
    ids.insert(m->id);
    bodies.insert(m->body);
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(clients * per_client));
  EXPECT_EQ(bodies.size(), static_cast<std::size_t>(clients * per_client));
}

TEST_F(HttpServerTest, PrefixPathMatchesEverythingBelow) {
  start(accept_all, "", "path: /api/v1/*");
  client_connection c(port);
  EXPECT_EQ(c.round_trip(make_request(bhttp::verb::post, "/api/v1/lapor/3204", "{}")).result_int(),
            202);
  EXPECT_EQ(c.round_trip(make_request(bhttp::verb::post, "/api/v2/x", "{}")).result_int(), 404);
  auto got = ingress->received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]->attribute("path").value_or(""), "/api/v1/lapor/3204");
}

TEST_F(HttpServerTest, StopAcceptingRefusesNewConnectionsWhileInFlightCompletes) {
  gate g;
  start(
      [&](const message&) {
        g.wait();
        return ingest_result{};
      },
      "", "path: /lapor", true);
  client_connection busy(port);
  busy.write_raw([] {
    std::ostringstream os;
    os << make_request(bhttp::verb::post, "/lapor", "{}");
    return os.str();
  }());
  ASSERT_TRUE(wait_until([&] { return ingress->received().size() == 1; }));

  server->stop_accepting();
  ASSERT_TRUE(wait_until([&] { return !server->ready(); }));
  net::io_context io;
  tcp::socket s(io);
  boost::system::error_code ec;
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  EXPECT_EQ(ec, net::error::connection_refused);

  g.release();
  string_response res;
  boost::beast::flat_buffer buf;
  bhttp::read(busy.socket(), buf, res);
  EXPECT_EQ(res.result_int(), 202);
  EXPECT_FALSE(res.keep_alive()) << "a draining server closes after the answer";
  EXPECT_TRUE(busy.wait_closed());
}

}  // namespace
}  // namespace simpul::test
