#include "hub/route/route.h"

#include <fstream>

#include "hub/route/json_text.h"
#include "hub/route/jsonata_provider.h"
#include "hub/route/steps.h"
#include "tests/hub/route/route_test_fixture.h"

namespace simpul::hub {
namespace {

using namespace route_test;

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

TEST_F(RouteTest, StoppedRouteAnswersUnavailable) {
  add_output();
  auto r = make(cfg());
  r->stop_accepting();
  EXPECT_EQ(submit(*r, msg("{}")).http_status, 503);
}


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
