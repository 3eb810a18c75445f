// The route tests' fixture: a real spool and DLQ in a temp directory, and
// outputs, steps and conditions written against the runtime's own
// interfaces (not stand-ins for external systems). Shared by route_test.cc
// (accept and request-reply) and route_forward_test.cc (forward mode).
#pragma once

#include <utility>

#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "hub/delivery/spool_dead_letters.h"
#include "hub/route/route.h"
#include "hub/spool/spool_paths.h"

namespace simpul::hub::route_test {

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

inline std::vector<step_ptr> wrap(std::string version, int copies = 1) {
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

  /// Starts an operation with `start(callback)` and runs the io context
  /// until the callback got its answer (it may run on the spool's writer
  /// thread); `none` when it never came.
  template <class Answer, class Start>
  Answer answer_of(Start start, Answer none) {
    std::mutex mu;
    std::optional<Answer> got;
    start([&](Answer a) {
      std::lock_guard lock(mu);
      got = std::move(a);
    });
    run_until([&] {
      std::lock_guard lock(mu);
      return got.has_value();
    });
    std::lock_guard lock(mu);
    EXPECT_TRUE(got.has_value()) << "no answer";
    return got ? std::move(*got) : std::move(none);
  }

  ingest_result submit(route& r, message_ptr m) {
    return answer_of([&](auto done) { r.submit(std::move(m), std::move(done)); }, ingest_result{});
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


// Holds every delivery until the test answers it.
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

// Delivery failures keep the message as it arrived; a replay with `remap`
// maps it again with the route's current steps (a corrected mapping), a
// replay without resends what was stored.
class RouteReplayTest : public RouteTest {
 protected:
  result<void> replay(route& r, route::replay_request req) {
    return answer_of([&](auto done) { r.replay(std::move(req), std::move(done)); },
                     result<void>(make_error("test.timeout", "no answer")));
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

}  // namespace simpul::hub::route_test
