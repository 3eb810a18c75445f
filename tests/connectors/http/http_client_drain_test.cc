// http_client::stop_accepting: what waits for a connection comes back
// not_sent, what is on the wire finishes (native keep-alive pool and libcurl).
#include "connectors/http/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <optional>

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

// OAuth2 outputs run on libcurl. A send whose token request is still waiting
// for a connection when the drain starts is handed back with it: no attempt.
TEST(HttpClientDrainOAuth2, ASendWaitingForItsTokenIsHandedBack) {
  gate answers;
  std::atomic<int> tokens{0}, arrived{0};
  stand_in_server srv([&](const string_request& req) {
    if (req.target() == "/oauth2/token") {
      ++tokens;
      string_response res{bhttp::status::ok, 11};
      res.set(bhttp::field::content_type, "application/json");
      res.body() = R"({"access_token":"t)" + std::to_string(tokens.load()) +
                   R"(","token_type":"Bearer","expires_in":1})";
      res.prepare_payload();
      return res;
    }
    ++arrived;
    answers.wait();
    return string_response{bhttp::status::ok, 11};
  });
  io_runner runner;
  test_context tc{runner.io(), "pusat"};
  connectors::registry reg;
  connectors::register_all(reg);
  // One connection to the host serves both the token endpoint and the
  // service, so a token request waits behind a held delivery.
  auto base = "http://127.0.0.1:" + std::to_string(srv.port());
  auto cfg = yaml_node("url: " + base + "/terima\nmax_connections: 1\nauth:\n  type: oauth2\n"
                       "  token_url: " + base + "/oauth2/token\n  client_id: kab-3204\n"
                       "  client_secret: rahasia\n");
  auto made = reg.find("http_client")->make_output(cfg, tc.ctx);
  ASSERT_TRUE(made) << made.error().message;
  auto client = std::move(*made);
  ASSERT_TRUE(client->start());
  std::mutex mu;
  std::map<int, delivery_result> results;
  auto send = [&](int n) {
    auto m = std::make_shared<message>();
    m->id = make_message_id();
    m->body = std::to_string(n);
    client->send(m, nullptr, [&, n](delivery_result r) {
      std::lock_guard lock(mu);
      results.emplace(n, std::move(r));
    });
  };
  auto result_of = [&](int n) -> std::optional<delivery_result> {
    std::lock_guard lock(mu);
    auto it = results.find(n);
    if (it == results.end()) return std::nullopt;
    return it->second;
  };
  send(0);  // token 1, then its delivery holds the only connection
  ASSERT_TRUE(wait_until([&] { return arrived.load() == 1; }));
  // Token 1 lived 1 s; the next send must fetch a new one, behind send 0.
  auto stale = std::chrono::steady_clock::now() + 1100ms;
  ASSERT_TRUE(wait_until([&] { return std::chrono::steady_clock::now() > stale; }));
  send(1);
  client->stop_accepting();
  ASSERT_TRUE(wait_until([&] { return result_of(1).has_value(); }));
  EXPECT_EQ(result_of(1)->state, outcome::not_sent) << result_of(1)->detail;
  answers.release();
  ASSERT_TRUE(wait_until([&] { return result_of(0).has_value(); }));
  EXPECT_EQ(result_of(0)->state, outcome::delivered) << result_of(0)->detail;
  EXPECT_EQ(tokens.load(), 1) << "the second token request never reached the server";
  client->stop();
  client.reset();
  EXPECT_TRUE(runner.finish());
}

INSTANTIATE_TEST_SUITE_P(Clients, HttpClientDrainTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Curl" : "Native"; });

}  // namespace
}  // namespace simpul::test
