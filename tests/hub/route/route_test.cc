#include "hub/route/route.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <mutex>

#include "hub/delivery/memory_store.h"

namespace simpul::hub {
namespace {

namespace asio = boost::asio;
using connectors::delivery_result;
using connectors::ingest_result;
using outcome = connectors::delivery_result::outcome;

// An output whose answers the test scripts: the runtime's own interface,
// not a stand-in for an external system.
class scripted_output final : public connectors::output {
 public:
  explicit scripted_output(asio::io_context& io) : io_(io) {}
  std::function<delivery_result(const message&, int call)> script;
  std::vector<std::string> bodies;
  result<void> start() override { return {}; }
  void stop_accepting() override {}
  void stop() override {}
  bool ready() const override { return true; }
  void send(message_ptr msg, config::node_ptr, connectors::delivery_handler done) override {
    int n;
    {
      std::lock_guard lock(mu_);
      n = calls_++;
    }
    auto r = script ? script(*msg, n) : delivery_result{};
    if (r.state == outcome::delivered) {
      std::lock_guard lock(mu_);
      bodies.push_back(msg->body);
    }
    asio::post(io_, [done = std::move(done), r = std::move(r)] { done(r); });
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  asio::io_context& io_;
  std::mutex mu_;
  int calls_ = 0;
};

// A condition on the body text: the hub's expression interface, so route
// logic is tested without the mapping engine.
class contains_expression final : public message_expression {
 public:
  explicit contains_expression(std::string needle) : needle_(std::move(needle)) {}
  std::expected<bool, step_failure> test(const message& m) const override {
    return m.body.find(needle_) != std::string::npos;
  }
  std::expected<std::vector<std::string>, step_failure> elements(const message&) const override {
    return std::vector<std::string>{};
  }

 private:
  std::string needle_;
};

class RouteTest : public ::testing::Test {
 protected:
  asio::io_context io;
  monitoring::catalogue metrics{std::make_shared<prometheus::Registry>(), "test"};
  std::shared_ptr<memory_dead_letters> dlq = std::make_shared<memory_dead_letters>();
  std::vector<std::unique_ptr<scripted_output>> outputs;

  config::route_config cfg(config::route_mode mode = config::route_mode::accept) {
    config::route_config c;
    c.name = "lapor";
    c.from = "api";
    c.mode = mode;
    c.retry.max_attempts = 3;
    c.retry.initial_backoff = std::chrono::milliseconds(1);
    c.retry.max_backoff = std::chrono::milliseconds(5);
    c.timeout = std::chrono::milliseconds(200);
    return c;
  }

  scripted_output& add_output() {
    outputs.push_back(std::make_unique<scripted_output>(io));
    return *outputs.back();
  }

  std::shared_ptr<route> make(const config::route_config& c,
                              std::vector<std::shared_ptr<const message_expression>> whens = {}) {
    route::parts p;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      route::target t;
      t.connector = "out" + std::to_string(i);
      t.out = outputs[i].get();
      if (i < whens.size()) t.when = whens[i];
      p.targets.push_back(std::move(t));
    }
    p.store = std::make_shared<memory_store>(c.max_messages, c.max_bytes);
    p.dlq = dlq;
    auto r = std::make_shared<route>(io, c, std::move(p), metrics);
    r->start();
    return r;
  }

  static message_ptr msg(std::string body, std::string ct = "application/json") {
    auto m = std::make_shared<message>();
    m->id = make_message_id();
    m->body = std::move(body);
    m->content_type = std::move(ct);
    m->received_at = std::chrono::system_clock::now();
    return m;
  }

  ingest_result submit(route& r, message_ptr m) {
    std::optional<ingest_result> got;
    r.submit(std::move(m), [&](ingest_result res) { got = std::move(res); });
    io.restart();
    for (int i = 0; i < 1000 && !got; ++i) io.run_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(got.has_value());
    return got.value_or(ingest_result{});
  }

  void run_until(const std::function<bool()>& cond) {
    io.restart();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!cond() && std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(5));
      io.restart();
    }
  }
};

TEST_F(RouteTest, AcceptsThenDelivers) {
  auto& out = add_output();
  auto r = make(cfg());
  auto res = submit(*r, msg(R"({"a":1})"));
  EXPECT_EQ(res.state, ingest_result::status::accepted);
  EXPECT_EQ(res.http_status, 202);
  run_until([&] { return out.bodies.size() == 1; });
  EXPECT_EQ(out.bodies.at(0), R"({"a":1})");
  run_until([&] { return r->in_flight() == 0; });
  EXPECT_EQ(r->in_flight(), 0);
}

TEST_F(RouteTest, MalformedJsonIsRejectedWithPositionAndDeadLettered) {
  add_output();
  auto r = make(cfg());
  auto res = submit(*r, msg("{\"a\":\n  1,,}"));
  EXPECT_EQ(res.state, ingest_result::status::rejected);
  EXPECT_EQ(res.http_status, 400);
  EXPECT_NE(res.reason.find("line 2"), std::string::npos) << res.reason;
  auto letters = dlq->snapshot();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].reason_code, "json.malformed");
}

TEST_F(RouteTest, RetriesRetryableFailuresThenDelivers) {
  auto& out = add_output();
  out.script = [](const message&, int call) {
    delivery_result r;
    if (call < 2) {
      r.state = outcome::retryable;
      r.status = 503;
    }
    return r;
  };
  auto r = make(cfg());
  submit(*r, msg("{}"));
  run_until([&] { return out.bodies.size() == 1; });
  EXPECT_EQ(out.calls(), 3);
  EXPECT_TRUE(dlq->snapshot().empty());
}

TEST_F(RouteTest, PermanentFailureIsNotRetriedAndGoesToDlq) {
  auto& out = add_output();
  out.script = [](const message&, int) {
    delivery_result r;
    r.state = outcome::permanent;
    r.status = 400;
    r.detail = "HTTP 400";
    return r;
  };
  auto r = make(cfg());
  submit(*r, msg("{}"));
  run_until([&] { return !dlq->snapshot().empty(); });
  EXPECT_EQ(out.calls(), 1);
  auto letters = dlq->snapshot();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].reason_code, "delivery.permanent");
  EXPECT_EQ(letters[0].last_status, 400);
}

TEST_F(RouteTest, ExhaustedRetriesGoToDlq) {
  auto& out = add_output();
  out.script = [](const message&, int) {
    delivery_result r;
    r.state = outcome::retryable;
    return r;
  };
  auto r = make(cfg());
  submit(*r, msg("{}"));
  run_until([&] { return !dlq->snapshot().empty(); });
  EXPECT_EQ(out.calls(), 3);
  EXPECT_EQ(dlq->snapshot().at(0).reason_code, "delivery.exhausted");
  EXPECT_EQ(dlq->snapshot().at(0).attempts, 3u);
}

TEST_F(RouteTest, FanOutWithContentBasedConditions) {
  auto& all = add_output();
  auto& urgent = add_output();
  auto r = make(cfg(), {nullptr, std::make_shared<contains_expression>("urgent")});
  submit(*r, msg(R"({"p":"urgent"})"));
  submit(*r, msg(R"({"p":"normal"})"));
  run_until([&] { return all.bodies.size() == 2 && urgent.bodies.size() == 1; });
  EXPECT_EQ(all.bodies.size(), 2u);
  ASSERT_EQ(urgent.bodies.size(), 1u);
  EXPECT_EQ(urgent.bodies[0], R"({"p":"urgent"})");
}

TEST_F(RouteTest, FullRouteAnswersUnavailable) {
  auto& out = add_output();
  out.script = [](const message&, int) {
    delivery_result r;
    r.state = outcome::retryable;
    return r;
  };
  auto c = cfg();
  c.max_messages = 1;
  c.retry.max_attempts = 1000;
  auto r = make(c);
  EXPECT_EQ(submit(*r, msg("{}")).state, ingest_result::status::accepted);
  auto second = submit(*r, msg("{}"));
  EXPECT_EQ(second.state, ingest_result::status::unavailable);
  EXPECT_EQ(second.http_status, 503);
  EXPECT_GT(second.retry_after.count(), 0);
  r->stop();
}

TEST_F(RouteTest, RequestReplyPassesTheAnswerThrough) {
  auto& out = add_output();
  out.script = [](const message& m, int) {
    delivery_result r;
    r.status = 201;
    r.response_body = "echo:" + m.body;
    r.response_content_type = "text/plain";
    return r;
  };
  auto r = make(cfg(config::route_mode::request_reply));
  auto res = submit(*r, msg("{}"));
  EXPECT_EQ(res.state, ingest_result::status::replied);
  EXPECT_EQ(res.http_status, 201);
  EXPECT_EQ(res.reply_body, "echo:{}");
}

TEST_F(RouteTest, StoppedRouteAnswersUnavailable) {
  add_output();
  auto r = make(cfg());
  r->stop_accepting();
  EXPECT_EQ(submit(*r, msg("{}")).http_status, 503);
}

}  // namespace
}  // namespace simpul::hub
