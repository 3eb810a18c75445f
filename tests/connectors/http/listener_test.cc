#include "connectors/http/listener.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>
#include <sstream>
#include <thread>

#include "tests/connectors/http/test_support.h"

namespace simpul::test {
namespace {

http::response ok(const std::string& body) {
  http::response res{bhttp::status::ok, 11};
  res.body() = body;
  return res;
}

class ListenerTest : public ::testing::Test {
 protected:
  void start(http::request_handler h, http::listener_options o = {}) {
    o.host = "127.0.0.1";
    o.port = 0;
    l = http::listener::create(runner.io(), o, std::move(h));
    auto r = l->start();
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_NE(l->port(), 0);
  }
  void TearDown() override {
    if (l) l->stop();
    l.reset();
    EXPECT_TRUE(runner.finish());
  }
  io_runner runner;
  std::shared_ptr<http::listener> l;
};

TEST_F(ListenerTest, OutOfDescriptorsPausesAcceptingInsteadOfSpinning) {
  // With every descriptor taken (a connection flood, a low ulimit -n), an
  // accept fails with EMFILE and the connection stays in the backlog. The
  // listener accepted again at once: one core at 100% and 100,000 log lines
  // a second until a descriptor came free.
  start([](http::request_ptr, http::responder a) { a.send(ok("served")); });
  std::vector<std::unique_ptr<client_connection>> clients;
  clients.push_back(std::make_unique<client_connection>(l->port()));  // the one served at the end
  std::size_t open_fds = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++open_fds;
  // The hub's log goes to stderr: a spinning loop shows there as one
  // "accept failed" line per attempt (captured before the limit is lowered:
  // the capture needs a descriptor).
  ::testing::internal::CaptureStderr();
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
  rlimit low = old;
  low.rlim_cur = open_fds + 4;  // the listener can take a few more, the clients need theirs
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<tcp::socket> flood;
  for (int i = 0; i < 3; ++i) {  // descriptors for clients exist; the server runs out
    boost::system::error_code ec;
    tcp::socket s(runner.io());
    s.connect({net::ip::make_address("127.0.0.1"), l->port()}, ec);
    if (!ec) flood.push_back(std::move(s));
  }
  std::this_thread::sleep_for(1s);  // time for a spinning loop to show itself: nothing to wait on
  setrlimit(RLIMIT_NOFILE, &old);
  const std::string err = ::testing::internal::GetCapturedStderr();
  std::size_t failures = 0;
  for (auto at = err.find("accept failed"); at != std::string::npos; at = err.find("accept failed", at + 1)) ++failures;
  EXPECT_GE(failures, 1u) << "the flood did not exhaust the descriptors";
  EXPECT_LE(failures, 2u) << "the accept loop spins";
  // Descriptors are back: the waiting connections are accepted and served.
  auto res = clients[0]->round_trip(make_request(bhttp::verb::post, "/", "x"));
  EXPECT_EQ(res.body(), "served");
  client_connection late(l->port());
  EXPECT_EQ(late.round_trip(make_request(bhttp::verb::post, "/", "y")).body(), "served");
}

TEST_F(ListenerTest, PortInUseIsAnError) {
  start([](http::request_ptr, http::responder a) { a.send(ok("")); });
  http::listener_options o;
  o.port = l->port();
  auto other = http::listener::create(runner.io(), o, [](http::request_ptr, http::responder) {});
  auto r = other->start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "http.listen");
  // the message names the real cause, not the close() that followed it
  EXPECT_NE(r.error().message.find("in use"), std::string::npos) << r.error().message;
}

TEST_F(ListenerTest, AnswerMayComeLaterFromAnotherThread) {
  std::vector<std::thread> workers;
  std::mutex mu;
  start([&](http::request_ptr req, http::responder a) {
    std::lock_guard lock(mu);
    workers.emplace_back([req, a] { a.send(ok("later:" + req->msg.body())); });
  });
  client_connection c(l->port());
  auto res = c.round_trip(make_request(bhttp::verb::post, "/", "x"));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "later:x");
  std::lock_guard lock(mu);
  for (auto& w : workers) w.join();
}

TEST_F(ListenerTest, DroppedResponderAnswers500) {
  start([](http::request_ptr, http::responder) {});
  client_connection c(l->port());
  auto res = c.round_trip(make_request(bhttp::verb::post, "/", "x"));
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_NE(res.body().find("http.no_answer"), std::string::npos);
}

TEST_F(ListenerTest, SecondAnswerIsIgnored) {
  std::atomic<int> second{-1};
  start([&](http::request_ptr, http::responder a) {
    a.send(ok("first"));
    second = a.send(ok("second")) ? 1 : 0;
  });
  client_connection c(l->port());
  EXPECT_EQ(c.round_trip(make_request(bhttp::verb::post, "/", "x")).body(), "first");
  EXPECT_EQ(c.round_trip(make_request(bhttp::verb::post, "/", "y")).body(), "first");
  EXPECT_EQ(second.load(), 0);
}

TEST_F(ListenerTest, ExpectContinueGetsGoAhead) {
  start([](http::request_ptr req, http::responder a) { a.send(ok(req->msg.body())); });
  client_connection c(l->port());
  c.write_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  bhttp::response_parser<bhttp::empty_body> interim;
  boost::beast::flat_buffer buf;
  bhttp::read_header(c.socket(), buf, interim);
  EXPECT_EQ(interim.get().result_int(), 100);
  c.write_raw("hallo");
  string_response res;
  bhttp::read(c.socket(), buf, res);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "hallo");
}

TEST_F(ListenerTest, RequestsArrivingInOneWriteAreAnsweredInOrder) {
  // The second request is already buffered when the first is parsed: it is
  // parsed from the buffer afterwards, whole, and answered second.
  start([](http::request_ptr req, http::responder a) { a.send(ok(req->msg.body())); });
  client_connection c(l->port());
  c.write_raw(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nsatu!"
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\ndua!");
  boost::beast::flat_buffer buf;
  string_response first, second;
  bhttp::read(c.socket(), buf, first);
  bhttp::read(c.socket(), buf, second);
  EXPECT_EQ(first.body(), "satu!");
  EXPECT_EQ(second.body(), "dua!");
}

TEST_F(ListenerTest, BodyOverTheLimitInTheSameWriteGets413) {
  http::listener_options o;
  o.body_limit = 8;
  start([](http::request_ptr, http::responder a) { a.send(ok("")); }, o);
  client_connection c(l->port());
  c.write_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n01234567890123456789");
  boost::beast::flat_buffer buf;
  string_response res;
  bhttp::read(c.socket(), buf, res);
  EXPECT_EQ(res.result_int(), 413);
}

TEST_F(ListenerTest, OversizedHeadersGet431) {
  http::listener_options o;
  o.header_limit = 1024;
  start([](http::request_ptr, http::responder a) { a.send(ok("")); }, o);
  client_connection c(l->port());
  auto req = make_request(bhttp::verb::post, "/", "x");
  req.set("X-Big", std::string(4096, 'a'));
  auto res = c.round_trip(req);
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_NE(res.body().find("http.headers_too_large"), std::string::npos);
}

TEST_F(ListenerTest, IdleKeepAliveConnectionIsClosed) {
  http::listener_options o;
  o.idle_timeout = std::chrono::milliseconds(200);
  start([](http::request_ptr, http::responder a) { a.send(ok("")); }, o);
  client_connection c(l->port());
  EXPECT_EQ(c.round_trip(make_request(bhttp::verb::post, "/", "x")).result_int(), 200);
  EXPECT_TRUE(c.wait_closed(3s));
  EXPECT_TRUE(wait_until([&] { return l->connections() == 0; }));
}

TEST_F(ListenerTest, MaxConnectionsHoldsBackFurtherClients) {
  http::listener_options o;
  o.max_connections = 1;
  start([](http::request_ptr, http::responder a) { a.send(ok("hi")); }, o);
  auto first = std::make_unique<client_connection>(l->port());
  EXPECT_EQ(first->round_trip(make_request(bhttp::verb::post, "/", "a")).body(), "hi");
  client_connection second(l->port());  // completes in the kernel backlog
  std::ostringstream os;
  os << make_request(bhttp::verb::post, "/", "b");
  second.write_raw(os.str());
  EXPECT_FALSE(wait_until([&] { return l->connections() > 1; }, 300ms));
  first.reset();  // frees the slot: the second is accepted and served
  string_response res;
  boost::beast::flat_buffer buf;
  bhttp::read(second.socket(), buf, res);
  EXPECT_EQ(res.body(), "hi");
}

TEST_F(ListenerTest, StopClosesOpenConnections) {
  start([](http::request_ptr, http::responder a) { a.send(ok("")); });
  client_connection c(l->port());
  EXPECT_EQ(c.round_trip(make_request(bhttp::verb::post, "/", "x")).result_int(), 200);
  l->stop();
  EXPECT_TRUE(c.wait_closed());
  EXPECT_TRUE(wait_until([&] { return !l->listening() && l->connections() == 0; }));
}

}  // namespace
}  // namespace simpul::test
