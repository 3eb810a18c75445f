// Forward mode: no spool; the input is answered once every matching output
// has the message, so the sender keeps it until then.
#include "hub/route/route.h"

#include "tests/hub/route/route_test_fixture.h"

namespace simpul::hub {
namespace {

using namespace route_test;

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
}  // namespace
}  // namespace simpul::hub
