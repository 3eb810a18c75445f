#include "hub/route/route.h"

#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <fstream>

#include "hub/delivery/spool_dead_letters.h"
#include "hub/route/json_text.h"
#include "hub/route/jsonata_provider.h"
#include "hub/route/steps.h"
#include "hub/spool/spool_paths.h"

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

// A step that wraps the body with a version tag: stands for a mapping
// (`map` steps are tested with the mapping engine elsewhere).
class wrap_step final : public step {
 public:
  explicit wrap_step(std::string version, int copies = 1)
      : version_(std::move(version)), copies_(copies) {}
  const char* kind() const override { return "map"; }
  step_output apply(const message_ptr& in) const override {
    std::vector<message_ptr> out;
    for (int i = 0; i < copies_; ++i) {
      out.push_back(with_body(*in, R"({"v":")" + version_ + R"(","in":)" + in->body + "}",
                              in->content_type));
    }
    return out;
  }

 private:
  std::string version_;
  int copies_;
};

std::vector<step_ptr> wrap(std::string version, int copies = 1) {
  std::vector<step_ptr> v;
  v.push_back(std::make_unique<wrap_step>(std::move(version), copies));
  return v;
}

// A temp directory per test: the spool and the DLQ are the real, durable ones.
struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    char tmpl[] = "/tmp/simpul-route-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
};

class RouteTest : public ::testing::Test {
 protected:
  temp_dir dir;
  asio::io_context io;
  monitoring::catalogue metrics{std::make_shared<prometheus::Registry>(), "test"};
  std::shared_ptr<spool::dlq_store> dlq_store = open_dlq();
  std::shared_ptr<spool_dead_letters> dlq = std::make_shared<spool_dead_letters>(dlq_store);
  std::vector<std::unique_ptr<connectors::output>> outputs;
  std::size_t concurrency = 64;  ///< per-output deliveries in flight, for make()
  std::vector<std::shared_ptr<route>> routes;

  std::shared_ptr<spool::dlq_store> open_dlq() {
    auto d = spool::dlq_store::open({spool::dlq_dir(dir.path).string()});
    EXPECT_TRUE(d.has_value());
    return std::shared_ptr<spool::dlq_store>(std::move(*d));
  }

  std::vector<spool::dlq_summary> letters() { return dlq_store->list({}).items; }

  void TearDown() override {
    for (auto& r : routes) r->stop();
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }

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
    auto out = std::make_unique<scripted_output>(io);
    auto& ref = *out;
    outputs.push_back(std::move(out));
    return ref;
  }

  std::shared_ptr<route> make(const config::route_config& c,
                              std::vector<std::shared_ptr<const message_expression>> whens = {},
                              std::vector<step_ptr> steps = {}) {
    route::parts p;
    p.steps = std::move(steps);
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      route::target t;
      t.connector = "out" + std::to_string(i);
      t.out = outputs[i].get();
      if (i < whens.size()) t.when = whens[i];
      t.concurrency = concurrency;
      p.targets.push_back(std::move(t));
    }
    if (c.mode == config::route_mode::accept) {
      spool::spool_options so;
      so.dir = (dir.path / "spool" / c.name).string();
      so.max_messages = c.max_messages;
      so.max_bytes = c.max_bytes;
      auto sp = spool::route_spool::open(so);
      EXPECT_TRUE(sp.has_value());
      p.spool = std::shared_ptr<spool::route_spool>(std::move(*sp));
    }
    p.dlq = dlq;
    auto r = std::make_shared<route>(io, c, std::move(p), metrics);
    r->start();
    routes.push_back(r);
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
    std::mutex mu;
    std::optional<ingest_result> got;
    // `done` may run on the spool's writer thread.
    r.submit(std::move(m), [&](ingest_result res) {
      std::lock_guard lock(mu);
      got = std::move(res);
    });
    run_until([&] {
      std::lock_guard lock(mu);
      return got.has_value();
    });
    std::lock_guard lock(mu);
    EXPECT_TRUE(got.has_value());
    return got.value_or(ingest_result{});
  }

  /// Runs what is ready and what it leads to (for "this did not happen").
  void settle() {
    io.restart();
    io.run_for(std::chrono::milliseconds(100));
  }

  void run_until(const std::function<bool()>& cond) {
    io.restart();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!cond() && std::chrono::steady_clock::now() < deadline) {
      // run_for returns at once when no handler is pending (work may be on
      // the spool's writer thread): yield instead of spinning hard.
      if (io.run_for(std::chrono::milliseconds(5)) == 0) std::this_thread::yield();
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
  run_until([&] { return r->spool()->stats().depth == 0; });
  EXPECT_EQ(r->spool()->stats().depth, 0u);
}

// `concurrency` bounds the deliveries one output has in flight: this output
// holds every delivery until the test answers it.
class holding_output final : public connectors::output {
 public:
  result<void> start() override { return {}; }
  void stop_accepting() override {}
  void stop() override {}
  bool ready() const override { return true; }
  void send(message_ptr, config::node_ptr, connectors::delivery_handler done) override {
    std::lock_guard lock(mu_);
    held_.push_back(std::move(done));
    most_ = std::max(most_, held_.size());
  }
  /// Answers the oldest held delivery (as delivered unless told otherwise);
  /// false when none is held.
  bool answer_one(delivery_result result = {}) {
    connectors::delivery_handler h;
    {
      std::lock_guard lock(mu_);
      if (held_.empty()) return false;
      h = std::move(held_.front());
      held_.pop_front();
      ++answered_;
    }
    h(std::move(result));
    return true;
  }
  std::size_t held() {
    std::lock_guard lock(mu_);
    return held_.size();
  }
  std::size_t most() {
    std::lock_guard lock(mu_);
    return most_;
  }
  std::size_t answered() {
    std::lock_guard lock(mu_);
    return answered_;
  }

 private:
  std::mutex mu_;
  std::deque<connectors::delivery_handler> held_;
  std::size_t most_ = 0, answered_ = 0;
};

TEST_F(RouteTest, OutputConcurrencyBoundsDeliveriesInFlight) {
  outputs.push_back(std::make_unique<holding_output>());
  auto& out = static_cast<holding_output&>(*outputs.back());
  concurrency = 3;
  auto r = make(cfg());
  for (int i = 0; i < 12; ++i) submit(*r, msg(R"({"n":)" + std::to_string(i) + "}"));
  run_until([&] { return out.held() == 3; });
  EXPECT_EQ(out.held(), 3u) << "the queue fills the output's 3 slots and no more";
  while (out.answered() < 12) {
    ASSERT_TRUE(out.answer_one()) << "nothing held after " << out.answered() << " answers";
    auto want = std::min<std::size_t>(3, 12 - out.answered());
    run_until([&] { return out.held() == want; });
  }
  EXPECT_EQ(out.most(), 3u);
  run_until([&] { return r->spool()->stats().depth == 0; });
  EXPECT_EQ(r->spool()->stats().depth, 0u);
}

TEST_F(RouteTest, MalformedJsonIsRejectedWithPositionAndDeadLettered) {
  add_output();
  auto r = make(cfg());
  auto res = submit(*r, msg("{\"a\":\n  1,,}"));
  EXPECT_EQ(res.state, ingest_result::status::rejected);
  EXPECT_EQ(res.http_status, 400);
  EXPECT_NE(res.reason.find("line 2"), std::string::npos) << res.reason;
  run_until([&] { return !letters().empty(); });
  auto got = letters();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason_code, "json.malformed");
  // The media type in another case is still JSON, and still checked.
  auto upper = submit(*r, msg("{\"a\":1,}", "Application/JSON; Charset=UTF-8"));
  EXPECT_EQ(upper.state, ingest_result::status::rejected);
  EXPECT_EQ(upper.http_status, 400);
}

// With a map step first, the route leaves the JSON check to the mapping's
// one parse of the body: the verdicts, failures and dead letters must be
// the check's, also where the mapping's own reader alone would be lenient
// (trailing text, nesting between the check's 512 levels and its 1000).
TEST_F(RouteTest, AMapStepFirstRefusesMalformedJsonAsTheRouteCheckDoes) {
  auto& out = add_output();
  {
    std::ofstream f(dir.path / "m.yaml");
    f << "name: m\ninput: {format: json}\nexpression: '{\"id\": a}'\n";
  }
  jsonata_provider provider;
  auto mapping = provider.load_mapping(config::mapping_ref{"m", dir.path / "m.yaml", {}});
  ASSERT_TRUE(mapping) << mapping.error().message;
  std::vector<step_ptr> steps;
  steps.push_back(make_map_step(*mapping));
  auto r = make(cfg(), {}, std::move(steps));

  const std::string deep = std::string(600, '[') + std::string(600, ']');
  struct bad_case {
    std::string body, code, where;
  };
  std::vector<bad_case> cases = {{"{\"a\":\n  1,,}", "json.malformed", "line 2, column 5"},
                                 {"{\"a\":1} x", "json.malformed", "line 1, column 9"},
                                 {"{\"a\":\"\\ud800\"}", "json.malformed", "(offset 6)"},
                                 {"{\"judul\":\"J\xE9lan\"}", "json.malformed", "(offset 11)"},
                                 {deep, "json.depth", "(offset 512)"}};
  for (const auto& c : cases) {
    auto res = submit(*r, msg(c.body));
    EXPECT_EQ(res.state, ingest_result::status::rejected) << c.body.substr(0, 40);
    EXPECT_EQ(res.http_status, 400);
    EXPECT_EQ(res.error_code, c.code);
    EXPECT_EQ(res.reason, check_json_body(c.body)->message);
    EXPECT_NE(res.reason.find(c.where), std::string::npos) << res.reason;
  }
  run_until([&] { return letters().size() == cases.size(); });
  ASSERT_EQ(letters().size(), cases.size());
  for (const auto& l : letters()) EXPECT_TRUE(l.reason_code == "json.malformed" || l.reason_code == "json.depth");

  auto ok = submit(*r, msg("\xEF\xBB\xBF{\"a\": \"LPR-1\"}"));
  EXPECT_EQ(ok.state, ingest_result::status::accepted);
  run_until([&] { return out.bodies.size() == 1; });
  ASSERT_EQ(out.bodies.size(), 1u);
  EXPECT_EQ(out.bodies[0], R"({"id":"LPR-1"})");
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
  EXPECT_TRUE(letters().empty());
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
  run_until([&] { return !letters().empty(); });
  EXPECT_EQ(out.calls(), 1);
  auto got = letters();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].reason_code, "delivery.permanent");
  EXPECT_EQ(got[0].last_status, 400);
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
  run_until([&] { return !letters().empty(); });
  EXPECT_EQ(out.calls(), 3);
  EXPECT_EQ(letters().at(0).reason_code, "delivery.exhausted");
  EXPECT_EQ(letters().at(0).attempts, 3u);
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
}

TEST_F(RouteTest, AcceptedMessagesSurviveARestartAndAreDeliveredThen) {
  auto& out = add_output();
  bool service_up = false;
  out.script = [&](const message&, int) {
    delivery_result r;
    if (!service_up) r.state = outcome::retryable;
    return r;
  };
  auto c = cfg();
  c.retry.max_attempts = 1000;
  auto first = make(c);
  auto m = msg(R"({"n":1})");
  EXPECT_EQ(submit(*first, m).state, ingest_result::status::accepted);
  run_until([&] { return out.calls() >= 2; });
  // The hub goes away with the message still undelivered...
  first->stop();
  routes.clear();
  io.restart();
  io.run_for(std::chrono::milliseconds(20));
  first.reset();
  // ...and a new run over the same data directory delivers it.
  service_up = true;
  auto second = make(c);
  run_until([&] { return out.bodies.size() == 1; });
  ASSERT_EQ(out.bodies.size(), 1u);
  EXPECT_EQ(out.bodies[0], R"({"n":1})");
}

TEST_F(RouteTest, NotSentDuringADrainStaysSpooledWithoutAnAttempt) {
  // Three sends wait inside the output when the drain begins, as with an
  // http_client whose connections are busy.
  outputs.push_back(std::make_unique<holding_output>());
  auto& out = static_cast<holding_output&>(*outputs.back());
  auto c = cfg();
  c.retry.max_attempts = 1;  // a counted failure would dead-letter at once
  auto first = make(c);
  for (int n = 0; n < 3; ++n) {
    EXPECT_EQ(submit(*first, msg(R"({"n":)" + std::to_string(n) + "}")).state,
              ingest_result::status::accepted);
  }
  run_until([&] { return out.held() == 3; });
  ASSERT_EQ(out.held(), 3u);
  bool idle = false;
  first->stop_accepting();
  first->drain([&] { idle = true; });
  io.restart();
  io.run_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(idle) << "three sends are still in flight";
  // The oldest was on the wire and is answered; two never left the output.
  EXPECT_TRUE(out.answer_one());
  for (int i = 0; i < 2; ++i) {
    delivery_result unsent;
    unsent.state = outcome::not_sent;
    unsent.detail = "not sent: shutting down";
    EXPECT_TRUE(out.answer_one(unsent));
  }
  run_until([&] { return idle; });
  EXPECT_TRUE(idle);
  EXPECT_TRUE(letters().empty()) << "not_sent is not a failure";
  EXPECT_EQ(metrics.handed_back.Add({{"route", "lapor"}, {"connector", "out0"}}).Value(), 2.0);
  EXPECT_EQ(metrics.delivery_failures.Add({{"route", "lapor"}, {"connector", "out0"}, {"kind", "retryable"}})
                .Value(),
            0.0);
  first->stop();
  routes.clear();
  io.restart();
  io.run_for(std::chrono::milliseconds(20));
  first.reset();
  outputs.clear();

  // The next run delivers exactly the two handed back, as first attempts.
  auto& next = add_output();
  make(c);
  run_until([&] { return next.bodies.size() == 2; });
  io.restart();
  io.run_for(std::chrono::milliseconds(20));
  EXPECT_EQ(next.bodies, (std::vector<std::string>{R"({"n":1})", R"({"n":2})"}));
  EXPECT_EQ(next.calls(), 2);
  EXPECT_EQ(metrics.retries.Add({{"route", "lapor"}, {"connector", "out0"}}).Value(), 0.0);
  EXPECT_TRUE(letters().empty());
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
  EXPECT_EQ(metrics.delivered.Add({{"route", "lapor"}, {"connector", "out0"}}).Value(), 1.0);
}

// Forward mode: no spool; the input is answered once every matching output
// has the message, so the sender keeps it until then.
TEST_F(RouteTest, ForwardAnswersOnceEveryOutputHasIt) {
  outputs.push_back(std::make_unique<holding_output>());
  outputs.push_back(std::make_unique<holding_output>());
  auto& a = static_cast<holding_output&>(*outputs[0]);
  auto& b = static_cast<holding_output&>(*outputs[1]);
  auto r = make(cfg(config::route_mode::forward));
  EXPECT_EQ(r->spool(), nullptr);
  std::mutex mu;
  std::optional<ingest_result> got;
  r->submit(msg(R"({"a":1})"), [&](ingest_result res) {
    std::lock_guard lock(mu);
    got = std::move(res);
  });
  auto answered = [&] {
    std::lock_guard lock(mu);
    return got.has_value();
  };
  run_until([&] { return a.held() == 1 && b.held() == 1; });
  ASSERT_EQ(a.held() + b.held(), 2u) << "both outputs are sent the message at once";
  ASSERT_TRUE(a.answer_one());
  settle();
  EXPECT_FALSE(answered()) << "answered before the second output had the message";
  ASSERT_TRUE(b.answer_one());
  run_until(answered);
  ASSERT_TRUE(answered());
  EXPECT_EQ(got->state, ingest_result::status::accepted);
  EXPECT_EQ(metrics.delivered.Add({{"route", "lapor"}, {"connector", "out1"}}).Value(), 1.0);
  EXPECT_EQ(metrics.accepted.Add({{"route", "lapor"}}).Value(), 1.0);
  EXPECT_TRUE(letters().empty());
}

TEST_F(RouteTest, ForwardRetryableFailureLeavesTheMessageWithTheSender) {
  auto& ok = add_output();
  auto& down = add_output();
  down.script = [](const message&, int) {
    delivery_result r;
    r.state = outcome::retryable;
    r.status = 503;
    r.detail = "HTTP 503";
    r.retry_after = std::chrono::seconds(3);
    return r;
  };
  auto c = cfg(config::route_mode::forward);
  c.retry.max_backoff = std::chrono::seconds(60);
  auto r = make(c);
  auto res = submit(*r, msg(R"({"a":1})"));
  EXPECT_EQ(res.state, ingest_result::status::unavailable);
  EXPECT_EQ(res.http_status, 503);
  EXPECT_EQ(res.error_code, "route.upstream");
  EXPECT_EQ(res.retry_after, std::chrono::seconds(3)) << "the output's Retry-After is passed on";
  EXPECT_NE(res.reason.find("out1"), std::string::npos) << res.reason;
  EXPECT_EQ(ok.bodies.size(), 1u) << "the other output had it (it gets it again: at least once)";
  EXPECT_TRUE(letters().empty()) << "the sender keeps it: nothing for the DLQ";
  EXPECT_EQ(metrics.delivery_failures
                .Add({{"route", "lapor"}, {"connector", "out1"}, {"kind", "retryable"}})
                .Value(),
            1.0);
  EXPECT_EQ(metrics.accepted.Add({{"route", "lapor"}}).Value(), 0.0);

  // A day's Retry-After is not passed on as it is: at most the route's
  // longest backoff.
  down.script = [](const message&, int) {
    delivery_result d;
    d.state = outcome::retryable;
    d.status = 429;
    d.retry_after = std::chrono::hours(24);
    return d;
  };
  EXPECT_EQ(submit(*r, msg(R"({"a":2})")).retry_after, std::chrono::seconds(60));
}

TEST_F(RouteTest, ForwardPermanentFailureIsDeadLetteredThenAcknowledged) {
  auto& out = add_output();
  out.script = [](const message&, int) {
    delivery_result r;
    r.state = outcome::permanent;
    r.status = 422;
    r.detail = "HTTP 422";
    r.response_body = R"({"error":"nik"})";
    return r;
  };
  auto r = make(cfg(config::route_mode::forward), {}, wrap("1"));
  auto res = submit(*r, msg(R"({"nama":"Siti"})"));
  EXPECT_EQ(res.state, ingest_result::status::accepted) << "recorded in the DLQ: the hub has it";
  auto got = letters();
  ASSERT_EQ(got.size(), 1u);
  auto e = dlq_store->get(got[0].id);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->reason_code, "delivery.permanent");
  EXPECT_EQ(e->target, "out0");
  EXPECT_EQ(e->last_status, 422);
  EXPECT_NE(e->msg.body.find(R"("v":"1")"), std::string::npos) << "the mapped message is kept";
  ASSERT_TRUE(e->original.has_value()) << "and the one before the mapping, for a remap";
  EXPECT_EQ(e->original->body, R"({"nama":"Siti"})");

  // As in accept mode: a message no step changed keeps itself as its
  // original; the parts of a split keep none (a remap would resend them all).
  auto c = cfg(config::route_mode::forward);
  c.name = "plain";
  auto plain = make(c);
  EXPECT_EQ(submit(*plain, msg(R"({"p":1})")).state, ingest_result::status::accepted);
  c.name = "split";
  auto split = make(c, {}, wrap("1", 2));
  EXPECT_EQ(submit(*split, msg(R"({"s":1})")).state, ingest_result::status::accepted);
  for (const auto& l : letters()) {
    auto entry = dlq_store->get(l.id);
    ASSERT_TRUE(entry.has_value());
    if (entry->route == "plain") {
      ASSERT_TRUE(entry->original.has_value());
      EXPECT_EQ(entry->original->body, R"({"p":1})");
    }
    if (entry->route == "split") {
      EXPECT_FALSE(entry->original.has_value());
    }
  }
  EXPECT_EQ(letters().size(), 4u);
}

TEST_F(RouteTest, ForwardMalformedJsonIsDeadLetteredWithoutASend) {
  auto& out = add_output();
  auto r = make(cfg(config::route_mode::forward));
  auto res = submit(*r, msg(R"({"a":)"));
  EXPECT_EQ(res.state, ingest_result::status::rejected);
  EXPECT_EQ(res.http_status, 400);
  EXPECT_EQ(out.calls(), 0);
  EXPECT_EQ(letters().size(), 1u);
}

TEST_F(RouteTest, ForwardDrainWaitsForDeliveriesInFlight) {
  outputs.push_back(std::make_unique<holding_output>());
  auto& out = static_cast<holding_output&>(*outputs.back());
  auto r = make(cfg(config::route_mode::forward));
  std::atomic<bool> answered{false}, idle{false};
  r->submit(msg("{}"), [&](ingest_result) { answered = true; });
  run_until([&] { return out.held() == 1; });
  r->stop_accepting();
  r->drain([&] { idle = true; });
  settle();
  EXPECT_FALSE(idle.load()) << "drained with a delivery in flight";
  ASSERT_TRUE(out.answer_one());
  run_until([&] { return idle.load(); });
  EXPECT_TRUE(answered.load());
  EXPECT_TRUE(idle.load());
}

TEST_F(RouteTest, StoppedRouteAnswersUnavailable) {
  add_output();
  auto r = make(cfg());
  r->stop_accepting();
  EXPECT_EQ(submit(*r, msg("{}")).http_status, 503);
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

// Delivery failures keep the message as it arrived; a replay with `remap`
// maps it again with the route's current steps (a corrected mapping), a
// replay without resends what was stored.
class RouteReplayTest : public RouteTest {
 protected:
  result<void> replay(route& r, route::replay_request req) {
    std::mutex mu;
    std::optional<result<void>> got;
    r.replay(std::move(req), [&](result<void> res) {
      std::lock_guard lock(mu);
      got = std::move(res);
    });
    run_until([&] {
      std::lock_guard lock(mu);
      return got.has_value();
    });
    std::lock_guard lock(mu);
    return got.value_or(make_error("test.timeout", "no answer"));
  }

  // Dead-letters one message mapped by "v1" (the service refuses v1) and
  // returns its DLQ entry.
  spool::dlq_entry dead_letter_v1(scripted_output& out) {
    out.script = [](const message& m, int) {
      delivery_result r;
      if (m.body.find(R"("v":"1")") != std::string::npos) {
        r.state = outcome::permanent;
        r.status = 422;
      }
      return r;
    };
    auto c = cfg();
    c.name = "v1";
    auto r1 = make(c, {}, wrap("1"));
    submit(*r1, msg(R"({"nama":"Siti"})"));
    run_until([&] { return !letters().empty(); });
    auto got = letters();
    EXPECT_EQ(got.size(), 1u);
    auto e = dlq_store->get(got.empty() ? "" : got[0].id);
    EXPECT_TRUE(e.has_value());
    return e.value_or(spool::dlq_entry{});
  }
};

TEST_F(RouteReplayTest, DeliveryFailureKeepsTheOriginalAndRemapUsesTheCurrentSteps) {
  auto& out = add_output();
  auto e = dead_letter_v1(out);
  EXPECT_EQ(e.reason_code, "delivery.permanent");
  EXPECT_EQ(e.msg.body, R"({"v":"1","in":{"nama":"Siti"}})");
  ASSERT_TRUE(e.original.has_value());
  EXPECT_EQ(e.original->body, R"({"nama":"Siti"})");
  EXPECT_EQ(e.original->id, e.msg.id);

  auto c = cfg();
  c.name = "v2";  // the route after a reload with the corrected mapping
  auto r2 = make(c, {}, wrap("2"));
  auto original = std::make_shared<const message>(*e.original);
  auto stored = std::make_shared<const message>(e.msg);

  // Without remap: the stored (v1) body again, refused again.
  ASSERT_TRUE(replay(*r2, {stored, original, "out0", false}));
  run_until([&] { return letters().size() == 2; });
  EXPECT_EQ(letters().size(), 2u);
  EXPECT_TRUE(out.bodies.empty());

  // With remap: the original through the current steps.
  ASSERT_TRUE(replay(*r2, {stored, original, "out0", true}));
  run_until([&] { return out.bodies.size() == 1; });
  ASSERT_EQ(out.bodies.size(), 1u);
  EXPECT_EQ(out.bodies[0], R"({"v":"2","in":{"nama":"Siti"}})");
}

// A forward route has no spool: a replay delivers at once and says whether
// the output took it (the entry then leaves the DLQ, or stays).
TEST_F(RouteReplayTest, ForwardReplayDeliversAtOnceOrSaysWhyNot) {
  auto& out = add_output();
  auto e = dead_letter_v1(out);
  ASSERT_TRUE(e.original.has_value());
  auto original = std::make_shared<const message>(*e.original);
  auto stored = std::make_shared<const message>(e.msg);
  auto c = cfg(config::route_mode::forward);
  c.name = "fwd";
  auto r = make(c, {}, wrap("2"));

  auto refused = replay(*r, {stored, original, "out0", false});
  ASSERT_FALSE(refused) << "the stored v1 body is refused again";
  EXPECT_EQ(refused.error().code, "delivery.permanent");
  EXPECT_EQ(letters().size(), 1u) << "a refused replay is not dead-lettered a second time";

  ASSERT_TRUE(replay(*r, {stored, original, "out0", true}));
  ASSERT_EQ(out.bodies.size(), 1u) << "delivered before the replay answered";
  EXPECT_EQ(out.bodies[0], R"({"v":"2","in":{"nama":"Siti"}})");
}

TEST_F(RouteReplayTest, RemapRefusesWhatItCannotOrShouldNotSend) {
  auto& out = add_output();
  auto e = dead_letter_v1(out);
  ASSERT_TRUE(e.original.has_value());
  auto original = std::make_shared<const message>(*e.original);
  auto stored = std::make_shared<const message>(e.msg);

  auto c = cfg();
  c.name = "v3";
  // The failed output's condition no longer matches: it goes elsewhere now.
  auto r3 = make(c, {std::make_shared<contains_expression>("never")}, wrap("3"));
  auto not_routed = replay(*r3, {stored, original, "out0", true});
  ASSERT_FALSE(not_routed);
  EXPECT_EQ(not_routed.error().code, "replay.not_routed");
  // No original kept (split part, older hub): remap refuses, plain replay works.
  auto none = replay(*r3, {stored, nullptr, "out0", true});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, "replay.no_original");
  EXPECT_EQ(replay(*r3, {stored, original, "gone", true}).error().code, "replay.no_target");
}

TEST_F(RouteReplayTest, SplitPartsKeepNoOriginal) {
  auto& out = add_output();
  out.script = [](const message&, int) {
    delivery_result r;
    r.state = outcome::permanent;
    r.status = 422;
    return r;
  };
  auto r = make(cfg(), {}, wrap("1", 2));  // one message in, two parts out
  submit(*r, msg(R"({"batch":[1,2]})"));
  run_until([&] { return letters().size() == 2; });
  auto got = letters();
  ASSERT_EQ(got.size(), 2u);
  for (const auto& s : got) {
    auto e = dlq_store->get(s.id);
    ASSERT_TRUE(e.has_value());
    EXPECT_FALSE(e->original.has_value()) << "re-mapping the whole would resend the other part";
  }
}

}  // namespace
}  // namespace simpul::hub
