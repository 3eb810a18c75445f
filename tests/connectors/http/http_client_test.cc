#include "connectors/http/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "connectors/registry.h"
#include "tests/connectors/http/test_support.h"

namespace simpul::test {
namespace {

using connectors::delivery_result;
using outcome = delivery_result::outcome;

string_response reply(unsigned status, std::string body = {},
                      std::string content_type = "application/json") {
  string_response res{static_cast<bhttp::status>(status), 11};
  if (!body.empty()) res.set(bhttp::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

message_ptr make_msg(std::string body = R"({"nik":"3204"})") {
  auto m = std::make_shared<message>();
  m->id = make_message_id();
  m->body = std::move(body);
  m->content_type = "application/json";
  m->trace_id = make_trace_id();
  m->route = "lapor";
  return m;
}

class HttpClientTest : public ::testing::Test {
 protected:
  void make(const std::string& yaml) {
    connectors::registry reg;
    connectors::register_all(reg);
    const auto* factory = reg.find("http_client");
    ASSERT_NE(factory, nullptr);
    auto cfg = yaml_node(yaml);
    ASSERT_TRUE(factory->check(*cfg).empty());
    auto made = factory->make_output(cfg, tc.ctx);
    ASSERT_TRUE(made) << made.error().message;
    client = std::move(*made);
    ASSERT_TRUE(client->start());
    ASSERT_TRUE(client->ready());
  }

  delivery_result send(message_ptr m, config::node_ptr opts = nullptr) {
    auto p = std::make_shared<std::promise<delivery_result>>();
    auto f = p->get_future();
    client->send(std::move(m), std::move(opts),
                 [p](delivery_result r) { p->set_value(std::move(r)); });
    if (f.wait_for(10s) != std::future_status::ready) {
      ADD_FAILURE() << "send never completed";
      return {};
    }
    return f.get();
  }

  std::string url(const stand_in_server& s, std::string path = "/terima") {
    return "http://127.0.0.1:" + std::to_string(s.port()) + path;
  }

  void TearDown() override {
    if (client) client->stop();
    client.reset();
    EXPECT_TRUE(runner.finish()) << "an async operation outlived stop()";
  }

  io_runner runner;
  test_context tc{runner.io(), "pusat"};
  connectors::output_ptr client;
};

TEST_F(HttpClientTest, Success2xxIsDeliveredWithTheResponse) {
  stand_in_server srv([](const string_request&) {
    auto r = reply(200, R"({"ref":"P-1"})");
    r.set("X-Pusat-Ref", "P-1");
    return r;
  });
  make("url: " + url(srv));
  auto r = send(make_msg());
  EXPECT_EQ(r.state, outcome::delivered) << r.detail;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.response_body, R"({"ref":"P-1"})");
  EXPECT_EQ(r.response_content_type, "application/json");
  EXPECT_EQ(r.response_headers.get("x-pusat-ref").value_or(""), "P-1");
}

TEST_F(HttpClientTest, SendsIdempotencyKeyTraceparentRouteAndConfiguredHeaders) {
  stand_in_server srv([](const string_request&) { return reply(204); });
  make("url: " + url(srv, "/v1") + "\nmethod: PUT\nheaders:\n  X-Api-Key: rahasia\n");
  auto m = make_msg();
  auto r = send(m, yaml_node("path: /laporan"));
  EXPECT_EQ(r.state, outcome::delivered) << r.detail;
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const auto& q = reqs[0];
  EXPECT_EQ(q.method(), bhttp::verb::put);
  EXPECT_EQ(q.target(), "/v1/laporan");
  EXPECT_EQ(q.body(), m->body);
  EXPECT_EQ(q[bhttp::field::content_type], "application/json");
  EXPECT_EQ(q["Idempotency-Key"], m->id);
  EXPECT_EQ(q["X-Simpul-Route"], "lapor");
  EXPECT_EQ(q["X-Api-Key"], "rahasia");
  std::string tp(q["traceparent"]);
  ASSERT_EQ(tp.size(), 55u);
  EXPECT_EQ(tp.substr(3, 32), m->trace_id);
  EXPECT_TRUE(q[bhttp::field::expect].empty());
}

TEST_F(HttpClientTest, ContentTypeOverrideWins) {
  stand_in_server srv([](const string_request&) { return reply(200); });
  make("url: " + url(srv) + "\ncontent_type: application/vnd.spbe+json\n");
  EXPECT_EQ(send(make_msg()).state, outcome::delivered);
  EXPECT_EQ(srv.requests().at(0)[bhttp::field::content_type], "application/vnd.spbe+json");
}

TEST_F(HttpClientTest, ServiceUnavailableIsRetryableWithRetryAfterSeconds) {
  stand_in_server srv([](const string_request&) {
    auto r = reply(503, R"({"error":"maintenance"})");
    r.set(bhttp::field::retry_after, "7");
    return r;
  });
  make("url: " + url(srv));
  auto r = send(make_msg());
  EXPECT_EQ(r.state, outcome::retryable);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.retry_after, std::chrono::milliseconds(7000));
}

TEST_F(HttpClientTest, TooManyRequestsIsRetryableWithRetryAfterDate) {
  auto when = std::chrono::system_clock::now() + 30s;
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  char date[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  std::string date_text = date;
  stand_in_server srv([date_text](const string_request&) {
    auto r = reply(429);
    r.set(bhttp::field::retry_after, date_text);
    return r;
  });
  make("url: " + url(srv));
  auto r = send(make_msg());
  EXPECT_EQ(r.state, outcome::retryable);
  EXPECT_EQ(r.status, 429);
  EXPECT_GT(r.retry_after, 25s);
  EXPECT_LE(r.retry_after, 31s);
}

TEST_F(HttpClientTest, RequestTimeoutStatusIsRetryable) {
  stand_in_server srv([](const string_request&) { return reply(408); });
  make("url: " + url(srv));
  EXPECT_EQ(send(make_msg()).state, outcome::retryable);
}

TEST_F(HttpClientTest, NotFoundIsPermanent) {
  stand_in_server srv([](const string_request&) { return reply(404, R"({"error":"no"})"); });
  make("url: " + url(srv));
  auto r = send(make_msg());
  EXPECT_EQ(r.state, outcome::permanent);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.retry_after, std::chrono::milliseconds(0));
}

TEST_F(HttpClientTest, ConnectionRefusedIsRetryable) {
  make("url: http://127.0.0.1:" + std::to_string(unused_port()) + "/x\n");
  auto r = send(make_msg());
  EXPECT_EQ(r.state, outcome::retryable);
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.detail.empty());
}

TEST_F(HttpClientTest, SlowServerTimesOutAsRetryable) {
  gate g;
  stand_in_server srv([&](const string_request&) {
    g.wait();
    return reply(200);
  });
  make("url: " + url(srv) + "\ntimeout: 300ms\n");
  auto t0 = std::chrono::steady_clock::now();
  auto r = send(make_msg());
  auto elapsed = std::chrono::steady_clock::now() - t0;
  g.release();
  EXPECT_EQ(r.state, outcome::retryable);
  EXPECT_NE(r.detail.find("timeout"), std::string::npos) << r.detail;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 5s);
}

TEST_F(HttpClientTest, ManyConcurrentSendsReuseFewConnections) {
  std::atomic<int> seen{0};
  stand_in_server srv([&](const string_request& q) {
    ++seen;
    return reply(200, std::string(q.body()));
  });
  make("url: " + url(srv) + "\nmax_connections: 4\n");
  constexpr int total = 200;
  std::mutex mu;
  std::condition_variable cv;
  int done = 0, delivered = 0, echoed = 0;
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < total / 4; ++i) {
        auto m = make_msg(std::to_string(t * 1000 + i));
        client->send(m, nullptr, [&, body = m->body](delivery_result r) {
          std::lock_guard lock(mu);
          ++done;
          if (r.state == outcome::delivered) ++delivered;
          if (r.response_body == body) ++echoed;
          cv.notify_all();
        });
      }
    });
  }
  for (auto& s : senders) s.join();
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, 20s, [&] { return done == total; })) << done;
  EXPECT_EQ(delivered, total);
  EXPECT_EQ(echoed, total);
  EXPECT_EQ(seen.load(), total);
  EXPECT_GE(srv.connections(), 1);
  EXPECT_LE(srv.connections(), 4);
}

TEST_F(HttpClientTest, SequentialSendsReuseOneConnection) {
  stand_in_server srv([](const string_request&) { return reply(200); });
  make("url: " + url(srv));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(send(make_msg()).state, outcome::delivered);
  EXPECT_EQ(srv.connections(), 1);
  EXPECT_EQ(srv.requests().size(), 10u);
}

TEST_F(HttpClientTest, LargeBodiesTravelBothWays) {
  stand_in_server srv([](const string_request& q) {
    return reply(200, std::string(q.body()) + std::string(3 * 1024 * 1024, 'r'), "text/plain");
  });
  make("url: " + url(srv));
  std::string big(2 * 1024 * 1024, 'q');
  auto r = send(make_msg(big));
  ASSERT_EQ(r.state, outcome::delivered) << r.detail;
  EXPECT_EQ(r.response_body.size(), big.size() + 3 * 1024 * 1024);
  EXPECT_EQ(r.response_body.substr(0, big.size()), big);
}

TEST_F(HttpClientTest, OversizedResponseIsPermanent) {
  stand_in_server srv([](const string_request&) { return reply(200, std::string(64 * 1024, 'x')); });
  make("url: " + url(srv) + "\nmax_response: 16KiB\n");
  auto r = send(make_msg());
  EXPECT_EQ(r.state, outcome::permanent);
  EXPECT_EQ(r.detail, "response body too large");
}

TEST_F(HttpClientTest, StopCancelsInFlightSendsAsRetryable) {
  gate g;
  stand_in_server srv([&](const string_request&) {
    g.wait();
    return reply(200);
  });
  make("url: " + url(srv) + "\ntimeout: 30s\n");
  auto p = std::make_shared<std::promise<delivery_result>>();
  auto f = p->get_future();
  client->send(make_msg(), nullptr, [p](delivery_result r) { p->set_value(std::move(r)); });
  ASSERT_TRUE(wait_until([&] { return srv.requests().size() == 1; }));
  client->stop();
  ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
  auto r = f.get();
  g.release();
  EXPECT_EQ(r.state, outcome::retryable);
  EXPECT_EQ(r.detail, "shutting down");
  EXPECT_FALSE(client->ready());
  EXPECT_EQ(send(make_msg()).state, outcome::retryable);
}

}  // namespace
}  // namespace simpul::test
