#include "mappings/jsonata/jsonata.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "mappings/jsonata/json.h"
#include "tests/mappings/jsonata/eval_helper.h"

namespace simpul::mappings::jsonata {
namespace {

using testing::run;

TEST(Api, BindingsAreVisibleAsVariables) {
  bindings vars{{"rate", value::number(2)}, {"name", value::string("x")}};
  EXPECT_EQ(run("$rate * 21 & $name", "", vars), "\"42x\"");
}

TEST(Api, MayReadFindsEveryPlaceAVariableCanBeNamed) {
  auto reads = [](std::string_view text, std::string_view name) {
    auto e = compile(text);
    EXPECT_TRUE(e) << text;
    return e && e->may_read(name);
  };
  EXPECT_TRUE(reads("$headers.x", "headers"));
  EXPECT_TRUE(reads("a[b = $headers.x]", "headers"));                  // predicate
  EXPECT_TRUE(reads("function($v){ $v & $headers.x }(1)", "headers"));  // lambda body
  EXPECT_TRUE(reads("{\"k\": [1, {\"n\": $headers}]}", "headers"));    // constructors
  EXPECT_TRUE(reads("a^(>$headers.x)", "headers"));                     // sort term
  EXPECT_TRUE(reads("a{$headers.k: b}", "headers"));                    // grouping
  EXPECT_TRUE(reads("x ? y : $headers", "headers"));                    // condition
  EXPECT_TRUE(reads("$eval(\"$\" & \"headers\")", "headers"));           // $eval can name anything
  EXPECT_FALSE(reads("headers.x & $attributes.y", "headers"));          // a field, not the variable
  EXPECT_FALSE(reads("\"$headers\"", "headers"));                      // text, not a variable
  EXPECT_FALSE(reads("$header", "headers"));
}

TEST(Api, HostFunctionsAreCalledWithValidatedArguments) {
  function_registry reg;
  auto added = reg.add("lookup2", "<s-s:s>", [](std::span<const value> args, host_error& err) -> value {
    if (args[1].as_string() == "fail") {
      err.message = "no such table";
      return {};
    }
    return value::string(std::string(args[0].as_string()) + "@" + std::string(args[1].as_string()));
  });
  ASSERT_TRUE(added.has_value());
  evaluate_options opts;
  opts.functions = &reg;
  EXPECT_EQ(run("$lookup2('a', 'b')", "", {}, opts), "\"a@b\"");
  EXPECT_EQ(run("code.$lookup2('t')", R"({"code":"k"})", {}, opts), "\"k@t\"");
  EXPECT_EQ(run("$lookup2(1, 'b')", "", {}, opts), "error:T0410");
  EXPECT_EQ(run("$lookup2('a', 'fail')", "", {}, opts), "error:D3137");
  EXPECT_EQ(run("$lookup2('a', 'b')"), "error:T1006");
  EXPECT_FALSE(reg.add("bad", "<a<s>(a<n>)>", {}).has_value());
}

TEST(Api, OneCompiledExpressionServesManyThreads) {
  auto expr = compile("{'total': $sum(items.price * items.qty), 'n': $uppercase(name)}");
  ASSERT_TRUE(expr.has_value());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        std::string doc = R"({"name":"n)" + std::to_string(t) + R"(","items":[{"price":)" +
                          std::to_string(i) + R"(,"qty":2}]})";
        auto r = expr->evaluate(*parse_json(doc));
        std::string out;
        write_json(out, *r);
        if (out == R"({"total":)" + std::to_string(2 * i) + R"(,"n":"N)" + std::to_string(t) + "\"}") ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 2000);
}

TEST(Api, LimitsStopRunawayEvaluation) {
  evaluate_options opts;
  opts.time_limit = std::chrono::milliseconds(50);
  opts.max_depth = 0;
  EXPECT_EQ(run("($f := function(){ $f() }; $f())", "", {}, opts), "error:U1001");
  evaluate_options depth;
  depth.max_depth = 50;
  EXPECT_EQ(run("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100))", "", {}, depth), "error:U1001");
}

TEST(Api, CompileErrorsCarryPosition) {
  auto r = compile("Account.Order[");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "S0203");  // expected "]" before the end
  EXPECT_EQ(r.error().position, 14);
}

TEST(Api, RapidJsonDocumentsConvert) {
  rapidjson::Document d;
  d.Parse(R"({"a":[1,2,{"b":"c"}],"n":null})");
  value v = from_rapidjson(d);
  std::string out;
  write_json(out, v);
  EXPECT_EQ(out, R"({"a":[1,2,{"b":"c"}],"n":null})");
}

TEST(Api, DeeplyNestedJsonIsRefused) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(parse_json(deep).has_value());
  EXPECT_TRUE(parse_json(std::string(100, '[') + std::string(100, ']')).has_value());
}

TEST(Api, NumbersPrintLikeJavaScript) {
  auto fmt = [](double d) {
    std::string s;
    format_number(s, d);
    return s;
  };
  EXPECT_EQ(fmt(1e21), "1e+21");
  EXPECT_EQ(fmt(123456789012), "123456789012");
  EXPECT_EQ(fmt(0.000001), "0.000001");
  EXPECT_EQ(fmt(1e-7), "1e-7");
  EXPECT_EQ(fmt(-2.5), "-2.5");
  EXPECT_EQ(fmt(0.1 + 0.2), "0.30000000000000004");
}

}  // namespace
}  // namespace simpul::mappings::jsonata
