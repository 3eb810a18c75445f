#include "connectors/http/plain_http_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <future>

#include <curl/curl.h>

#include "connectors/http/http_client.h"
#include "connectors/registry.h"
#include "tests/connectors/http/test_support.h"

namespace simpul::test {
namespace {

using http::curl_request;
using http::curl_response;
using http::parse_plain_url;
using http::plain_http_pool;

TEST(ParsePlainUrl, SplitsHostPortAndTarget) {
  auto u = parse_plain_url("http://127.0.0.1:8080/api/v1?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, "8080");
  EXPECT_EQ(u->host_header, "127.0.0.1:8080");
  EXPECT_EQ(u->target, "/api/v1?x=1");

  u = parse_plain_url("HTTP://layanan.go.id");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "layanan.go.id");
  EXPECT_EQ(u->port, "80");
  EXPECT_EQ(u->target, "/");

  u = parse_plain_url("http://[::1]:9000?q");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "9000");
  EXPECT_EQ(u->host_header, "[::1]:9000");
  EXPECT_EQ(u->target, "/?q");
}

TEST(ParsePlainUrl, RefusesWhatLibcurlMustHandle) {
  EXPECT_FALSE(parse_plain_url("https://127.0.0.1/x"));
  EXPECT_FALSE(parse_plain_url("http://user:pw@127.0.0.1/x"));
  EXPECT_FALSE(parse_plain_url("http://127.0.0.1:80x/"));
  EXPECT_FALSE(parse_plain_url("http:///x"));
  EXPECT_FALSE(parse_plain_url("ftp://host/"));
}

/// A raw HTTP server: answers each request with `answer` (raw bytes), then
/// keeps the connection (keep=true) or closes it; counts connections and
/// requests.
class raw_server {
 public:
  raw_server(std::string answer, bool keep)
      : answer_(std::move(answer)), keep_(keep), acceptor_(io_, {net::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { loop(); });
  }
  ~raw_server() {
    stop_ = true;
    boost::system::error_code ec;
    // Wake the accept with a connection of our own.
    tcp::socket s(io_);
    s.connect({net::ip::make_address("127.0.0.1"), port_}, ec);
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }

 private:
  void loop() {
    while (!stop_) {
      boost::system::error_code ec;
      tcp::socket s(io_);
      acceptor_.accept(s, ec);
      if (ec || stop_) return;
      ++connections_;
      boost::beast::flat_buffer buf;
      for (;;) {
        string_request req;
        bhttp::read(s, buf, req, ec);
        if (ec) break;
        ++requests_;
        net::write(s, net::buffer(answer_), ec);
        if (ec || !keep_) break;
      }
      s.close(ec);
    }
  }
  std::string answer_;
  bool keep_;
  net::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

class PlainHttpPoolTest : public ::testing::Test {
 protected:
  std::shared_ptr<plain_http_pool> make(std::uint16_t port, std::size_t max_connections = 4) {
    pool = plain_http_pool::create(runner.io(), {.host = "127.0.0.1",
                                                 .port = std::to_string(port),
                                                 .max_connections = max_connections});
    return pool;
  }
  curl_response call(curl_request req) {
    auto url = parse_plain_url(req.url);
    EXPECT_TRUE(url);
    std::promise<curl_response> p;
    auto f = p.get_future();
    pool->perform(std::move(req), *url, [&p](curl_response r) { p.set_value(std::move(r)); });
    if (f.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "never answered";
      return {};
    }
    return f.get();
  }
  static curl_request post(std::uint16_t port, std::string body = "{}") {
    curl_request r;
    r.url = "http://127.0.0.1:" + std::to_string(port) + "/terima";
    r.body = std::move(body);
    r.headers = {"Content-Type: application/json", "traceparent: 00-ab:cd-01"};
    return r;
  }
  void TearDown() override {
    if (pool) pool->shutdown();
    pool.reset();
    EXPECT_TRUE(runner.finish()) << "an async operation outlived shutdown()";
  }

  io_runner runner;
  std::shared_ptr<plain_http_pool> pool;
};

TEST_F(PlainHttpPoolTest, SendsTheRequestAsCurlWouldAndReturnsTheAnswer) {
  stand_in_server srv([](const string_request& q) {
    string_response res{bhttp::status::created, 11};
    res.set(bhttp::field::content_type, "text/plain");
    res.set("X-Ref", "P-1");
    res.body() = std::string(q.body()) + "|" + std::string(q[bhttp::field::host]) + "|" +
                 std::string(q["traceparent"]) + "|" + std::string(q.target());
    return res;
  });
  make(srv.port());
  auto r = call(post(srv.port(), "halo"));
  EXPECT_EQ(r.curl_code, 0);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.content_type, "text/plain");
  EXPECT_EQ(r.headers.get("x-ref").value_or(""), "P-1");
  auto host = "127.0.0.1:" + std::to_string(srv.port());
  EXPECT_EQ(r.body, "halo|" + host + "|00-ab:cd-01|/terima");
  ASSERT_EQ(srv.requests().size(), 1u);
  EXPECT_EQ(srv.requests()[0].method(), bhttp::verb::post);
  EXPECT_EQ(srv.requests()[0][bhttp::field::content_type], "application/json");
}

TEST_F(PlainHttpPoolTest, CallerContentLengthAndConnectionCloseDoNotBreakTheFraming) {
  stand_in_server srv([](const string_request& q) {
    string_response res{bhttp::status::ok, 11};
    res.body() = std::string(q.body()) + "|" + std::string(q[bhttp::field::content_length]) + "|" +
                 std::string(q[bhttp::field::connection]) + "|" + std::string(q["X-Kept"]);
    return res;
  });
  make(srv.port());
  auto req = post(srv.port(), "halo dunia");
  req.headers.push_back("Content-Length: 3");
  req.headers.push_back("Connection: close");
  req.headers.push_back("X-Kept:   spasi");
  auto r = call(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "halo dunia|10||spasi");
  r = call(req);
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(srv.requests().size(), 2u);
  EXPECT_EQ(srv.connections(), 1);  // still keep-alive
  EXPECT_EQ(srv.requests()[1].count(bhttp::field::content_length), 1u);
}

TEST_F(PlainHttpPoolTest, GetAndHeadSendNoBody) {
  stand_in_server srv([](const string_request& q) {
    string_response res{bhttp::status::ok, 11};
    res.body() = "body of " + std::string(q.method_string());
    return res;
  });
  make(srv.port());
  auto get = post(srv.port(), "ignored");
  get.method = "GET";
  auto r = call(get);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "body of GET");
  auto head = get;
  head.method = "HEAD";
  r = call(head);
  EXPECT_EQ(r.curl_code, 0);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_TRUE(reqs[0].body().empty());
  EXPECT_EQ(srv.connections(), 1);  // the HEAD answer's length did not desync the connection
}

TEST_F(PlainHttpPoolTest, ConcurrentRequestsStayWithinMaxConnections) {
  std::atomic<int> seen{0};
  stand_in_server srv([&](const string_request& q) {
    ++seen;
    string_response res{bhttp::status::ok, 11};
    res.body() = std::string(q.body());
    return res;
  });
  make(srv.port(), 2);
  constexpr int total = 60;
  std::atomic<int> echoed{0}, answered{0};
  for (int i = 0; i < total; ++i) {
    auto req = post(srv.port(), std::to_string(i));
    auto url = *parse_plain_url(req.url);
    pool->perform(req, url, [&, body = req.body](curl_response r) {
      if (r.curl_code == 0 && r.body == body) ++echoed;
      ++answered;
    });
  }
  ASSERT_TRUE(wait_until([&] { return answered.load() == total; }, 10s));
  EXPECT_EQ(echoed.load(), total);
  EXPECT_EQ(seen.load(), total);
  EXPECT_LE(srv.connections(), 2);
  EXPECT_EQ(pool->connections_opened(), static_cast<std::size_t>(srv.connections()));
}

TEST_F(PlainHttpPoolTest, IdleConnectionClosedByTheServerIsReplacedTransparently) {
  // Answers keep-alive, then closes: the pool's idle connection is dead.
  raw_server srv("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", /*keep=*/false);
  make(srv.port());
  for (int i = 0; i < 3; ++i) {
    auto r = call(post(srv.port()));
    EXPECT_EQ(r.curl_code, 0) << r.error;
    EXPECT_EQ(r.body, "ok");
  }
  EXPECT_EQ(srv.requests(), 3);
  EXPECT_EQ(srv.connections(), 3);
}

TEST_F(PlainHttpPoolTest, AnswerCutShortOnAFreshConnectionIsAnErrorNotARetry) {
  raw_server srv("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part", /*keep=*/false);
  make(srv.port());
  auto r = call(post(srv.port()));
  EXPECT_EQ(r.curl_code, CURLE_PARTIAL_FILE) << r.error;
  EXPECT_EQ(srv.requests(), 1);  // not sent twice
}

TEST_F(PlainHttpPoolTest, GarbageAnswerIsAWeirdServerReply) {
  raw_server srv("SMTP ready\r\n\r\n", /*keep=*/false);
  make(srv.port());
  auto r = call(post(srv.port()));
  EXPECT_EQ(r.curl_code, CURLE_WEIRD_SERVER_REPLY) << r.error;
}

TEST_F(PlainHttpPoolTest, ChunkedAnswerOverTheLimitIsTooLarge) {
  std::string chunk(8 * 1024, 'x');
  char size[16];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  std::string answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) answer += std::string(size) + "\r\n" + chunk + "\r\n";
  answer += "0\r\n\r\n";
  raw_server srv(answer, /*keep=*/true);
  make(srv.port());
  auto req = post(srv.port());
  req.max_response = 16 * 1024;
  auto r = call(req);
  EXPECT_TRUE(r.response_too_large);
  EXPECT_EQ(r.curl_code, CURLE_WRITE_ERROR);
  req.max_response = 64 * 1024;
  r = call(req);
  EXPECT_EQ(r.curl_code, 0) << r.error;
  EXPECT_EQ(r.body.size(), 32u * 1024);
  pool->shutdown();  // frees the server's thread from the kept connection
}

TEST_F(PlainHttpPoolTest, ConnectionRefusedIsCouldntConnect) {
  std::uint16_t port = 0;
  {
    net::io_context io;
    tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  make(port);
  auto r = call(post(port));
  EXPECT_EQ(r.curl_code, CURLE_COULDNT_CONNECT) << r.error;
}

TEST_F(PlainHttpPoolTest, ShutdownAnswersQueuedAndInFlightRequests) {
  gate g;
  stand_in_server srv([&](const string_request&) {
    g.wait();
    return string_response{bhttp::status::ok, 11};
  });
  make(srv.port(), 1);
  std::atomic<int> shutting{0};
  for (int i = 0; i < 3; ++i) {
    auto req = post(srv.port());
    req.timeout = 30s;
    pool->perform(req, *parse_plain_url(req.url), [&](curl_response r) {
      if (r.shutting_down) ++shutting;
    });
  }
  ASSERT_TRUE(wait_until([&] { return srv.requests().size() == 1; }));
  pool->shutdown();
  EXPECT_TRUE(wait_until([&] { return shutting.load() == 3; }));
  g.release();
}

/// The http_client output picks the pool for plain http:// only.
TEST(HttpClientNative, ChosenForPlainHttpUnlessCurlIsForced) {
  io_runner runner;
  test_context tc{runner.io(), "pusat"};
  connectors::registry reg;
  connectors::register_all(reg);
  const auto* factory = reg.find("http_client");
  ASSERT_NE(factory, nullptr);
  auto make = [&](const std::string& yaml) -> std::shared_ptr<connectors::output> {
    auto made = factory->make_output(yaml_node(yaml), tc.ctx);
    EXPECT_TRUE(made) << made.error().message;
    return made ? std::shared_ptr<connectors::output>(std::move(*made)) : nullptr;
  };
  auto native = [](const std::shared_ptr<connectors::output>& o) {
    return dynamic_cast<connectors::http_client&>(*o).native();
  };
  auto plain = make("url: http://127.0.0.1:9/x\n");
  auto tls = make("url: https://127.0.0.1:9/x\n");
  ::setenv("SIMPUL_HTTP_CLIENT", "curl", 1);
  auto forced = make("url: http://127.0.0.1:9/x\n");
  ::unsetenv("SIMPUL_HTTP_CLIENT");
  ASSERT_TRUE(plain && tls && forced);
  EXPECT_TRUE(native(plain));
  EXPECT_FALSE(native(tls));
  EXPECT_FALSE(native(forced));
  for (auto* o : {&plain, &tls, &forced}) (*o)->stop();
  plain.reset();
  tls.reset();
  forced.reset();
  EXPECT_TRUE(runner.finish());
}

}  // namespace
}  // namespace simpul::test
