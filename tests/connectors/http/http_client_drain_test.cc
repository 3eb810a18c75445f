// http_client::stop_accepting: what waits for a connection comes back
// not_sent, what is on the wire finishes (native keep-alive pool and libcurl).
#include "connectors/http/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>

#include "connectors/registry.h"
#include "tests/connectors/http/test_support.h"

namespace simpul::test {
namespace {

using connectors::delivery_result;
using outcome = delivery_result::outcome;

/// Which client the output uses: the native pool (default for http://) or
/// libcurl (SIMPUL_HTTP_CLIENT=curl, read when the output is built).
class HttpClientDrainTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) setenv("SIMPUL_HTTP_CLIENT", "curl", 1);
  }

  /// A stand-in that holds every answer until `answers` opens, then 200.
  void make_holding_server() {
    srv = std::make_unique<stand_in_server>([this](const string_request&) {
      ++arrived;
      answers.wait();
      return string_response{bhttp::status::ok, 11};
    });
  }

  void make(std::uint16_t port, int max_connections) {
    connectors::registry reg;
    connectors::register_all(reg);
    const auto* factory = reg.find("http_client");
    ASSERT_NE(factory, nullptr);
    auto cfg = yaml_node("url: http://127.0.0.1:" + std::to_string(port) +
                         "/terima\nmax_connections: " + std::to_string(max_connections) + "\n");
    auto made = factory->make_output(cfg, tc.ctx);
    ASSERT_TRUE(made) << made.error().message;
    client = std::move(*made);
    ASSERT_TRUE(client->start());
    auto* http = dynamic_cast<connectors::http_client*>(client.get());
    ASSERT_NE(http, nullptr);
    EXPECT_EQ(http->native(), !GetParam());
  }

  /// Sends a message whose body is `n`; its outcome lands in `results`.
  void send(int n) {
    auto m = std::make_shared<message>();
    m->id = make_message_id();
    m->body = std::to_string(n);
    m->content_type = "text/plain";
    client->send(m, nullptr, [this, n](delivery_result r) {
      std::lock_guard lock(mu);
      results[n] = r.state;
    });
  }

  std::size_t count(outcome o) {
    std::lock_guard lock(mu);
    std::size_t k = 0;
    for (const auto& [n, state] : results) k += state == o ? 1 : 0;
    return k;
  }

  std::size_t finished() {
    std::lock_guard lock(mu);
    return results.size();
  }

  void TearDown() override {
    answers.release();
    if (client) client->stop();
    client.reset();
    srv.reset();
    EXPECT_TRUE(runner.finish()) << "an async operation outlived stop()";
    unsetenv("SIMPUL_HTTP_CLIENT");
  }

  gate answers;
  std::atomic<int> arrived{0};
  std::unique_ptr<stand_in_server> srv;
  io_runner runner;
  test_context tc{runner.io(), "pusat"};
  connectors::output_ptr client;
  std::mutex mu;
  std::map<int, outcome> results;
};

TEST_P(HttpClientDrainTest, StopAcceptingHandsBackWhatIsNotOnTheWire) {
  // 2 requests reach the stand-in (2 connections), the other 6 wait inside
  // the output.
  make_holding_server();
  make(srv->port(), 2);
  for (int n = 0; n < 8; ++n) send(n);
  ASSERT_TRUE(wait_until([&] { return arrived.load() == 2; })) << arrived.load();

  client->stop_accepting();
  ASSERT_TRUE(wait_until([&] { return count(outcome::not_sent) == 6; })) << finished();
  EXPECT_EQ(count(outcome::delivered), 0u) << "the answers are still held";
  send(100);  // after stop_accepting: not sent either
  ASSERT_TRUE(wait_until([&] { return count(outcome::not_sent) == 7; })) << finished();
  client->stop_accepting();  // idempotent

  answers.release();
  ASSERT_TRUE(wait_until([&] { return count(outcome::delivered) == 2; })) << finished();
  EXPECT_EQ(finished(), 9u);
  EXPECT_EQ(arrived.load(), 2) << "nothing handed back reached the server";
  EXPECT_EQ(srv->requests().size(), 2u);
}

TEST_P(HttpClientDrainTest, StopAcceptingWithNothingWaitingChangesNothingOnTheWire) {
  make_holding_server();
  make(srv->port(), 4);
  for (int n = 0; n < 3; ++n) send(n);
  ASSERT_TRUE(wait_until([&] { return arrived.load() == 3; }));
  client->stop_accepting();
  answers.release();
  ASSERT_TRUE(wait_until([&] { return finished() == 3; }));
  EXPECT_EQ(count(outcome::delivered), 3u);
}

INSTANTIATE_TEST_SUITE_P(Clients, HttpClientDrainTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Curl" : "Native"; });

}  // namespace
}  // namespace simpul::test
