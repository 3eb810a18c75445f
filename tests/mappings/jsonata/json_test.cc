// The JSON reader (SAX into values, in-situ, containers sized at their end),
// the long-string representation and the string writer.

#include "mappings/jsonata/json.h"

#include <gtest/gtest.h>

#include <string>

#include "mappings/jsonata/jsonata.h"
#include "tests/mappings/jsonata/eval_helper.h"

namespace simpul::mappings::jsonata {
namespace {

std::string round_trip(std::string_view text) {
  auto v = parse_json(text);
  if (!v) return "error: " + v.error();
  std::string out;
  write_json(out, *v);
  return out;
}

TEST(Json, ContainersOfEverySizeRoundTrip) {
  EXPECT_EQ(round_trip(R"([])"), "[]");
  EXPECT_EQ(round_trip(R"({})"), "{}");
  EXPECT_EQ(round_trip(R"([1,[2,3],{"x":[]},{},[[]],"s",true,null])"),
            R"([1,[2,3],{"x":[]},{},[[]],"s",true,null])");
  EXPECT_EQ(round_trip(R"({"a":{"b":{"c":[1,{"d":2}]}},"e":[{"f":1},{"g":[3,4]}]})"),
            R"({"a":{"b":{"c":[1,{"d":2}]}},"e":[{"f":1},{"g":[3,4]}]})");
  EXPECT_EQ(round_trip("  \n\t[ 1 , { \"a\" : 2 } ]  "), R"([1,{"a":2}])");
}

TEST(Json, RepeatedKeyKeepsItsFirstPlaceAndLastValue) {
  auto v = parse_json(R"({"a":1,"b":2,"a":{"x":3}})");
  ASSERT_TRUE(v);
  ASSERT_EQ(v->obj().entries.size(), 2u);
  std::string out;
  write_json(out, *v);
  EXPECT_EQ(out, R"({"a":{"x":3},"b":2})");
}

TEST(Json, LargeObjectsAreLookedUpByKey) {
  std::string text = "{";
  for (int i = 0; i < 40; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
  text += ",\"k7\":\"again\"}";
  auto v = parse_json(text);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->obj().entries.size(), 40u);
  for (int i = 0; i < 40; ++i) {
    const value* f = v->get("k" + std::to_string(i));
    ASSERT_NE(f, nullptr) << i;
    if (i == 7)
      EXPECT_EQ(f->as_string(), "again");
    else
      EXPECT_EQ(f->as_number(), i);
  }
  EXPECT_EQ(v->get("k40"), nullptr);
}

TEST(Json, StringsOfEveryLengthAndEscapesDecode) {
  for (std::size_t n : {0u, 1u, 13u, 14u, 15u, 16u, 17u, 31u, 100u, 5000u}) {
    std::string s(n, 'x');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
    auto v = parse_json("[\"" + s + "\",\"" + s + "\"]");
    ASSERT_TRUE(v) << n;
    EXPECT_EQ((*v)[0].as_string(), s) << n;
    EXPECT_EQ((*v)[1].as_string(), s) << n;
    value copy = (*v)[0];  // a copy shares the text
    EXPECT_EQ(copy.as_string(), s);
  }
  auto v = parse_json(R"({"k\"ey":"a\nb\u00e9\\c\/d\u0001 with a tail long enough to live on the heap"})");
  ASSERT_TRUE(v);
  const value* f = v->get("k\"ey");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->as_string(), "a\nb\xC3\xA9\\c/d\x01 with a tail long enough to live on the heap");
  std::string out;
  write_json(out, *v);
  EXPECT_EQ(out, R"({"k\"ey":"a\nb)" "\xC3\xA9" R"(\\c/d\u0001 with a tail long enough to live on the heap"})");
}

TEST(Json, ErrorsLeaveNothingBehindForTheNextParse) {
  auto bad = parse_json(R"({"a":[1,2,"three", {"b":)");
  ASSERT_FALSE(bad);
  auto bad2 = parse_json(R"({"a":})");
  ASSERT_FALSE(bad2);
  EXPECT_NE(bad2.error().find("at offset 5"), std::string::npos) << bad2.error();
  EXPECT_EQ(round_trip("[3]"), "[3]");
  EXPECT_FALSE(parse_json(""));
  EXPECT_FALSE(parse_json("   "));
}

TEST(Json, OnlyTheViewIsRead) {
  // the view is not NUL-terminated: the parser must stop at its end
  std::string buffer = R"([1,2]garbage that is not part of the view)";
  EXPECT_EQ(round_trip(std::string_view(buffer).substr(0, 5)), "[1,2]");
  std::string buffer2 = R"({"a":"bc"}{"x":)";
  EXPECT_EQ(round_trip(std::string_view(buffer2).substr(0, 10)), R"({"a":"bc"})");
  EXPECT_FALSE(parse_json(std::string_view(buffer2).substr(0, 7)));
  // the caller's text is left as it was (the parse works on a copy)
  std::string escaped = R"(["a\nb"])";
  EXPECT_EQ(round_trip(escaped), R"(["a\nb"])");
  EXPECT_EQ(escaped, R"(["a\nb"])");
}

TEST(Json, LoneSurrogatesSurviveTheRetry) {
  EXPECT_EQ(round_trip(R"(["x\ud800y"])"), R"(["x\ud800y"])");
  EXPECT_EQ(round_trip(R"(["\ud83d\ude00"])"), "[\"\xF0\x9F\x98\x80\"]");
}

TEST(Json, StringWriterEscapesOnlyWhatJsonNeeds) {
  std::string out;
  write_json_string(out, std::string("plain text, long enough to be scanned in several words", 54));
  EXPECT_EQ(out, "\"plain text, long enough to be scanned in several words\"");
  out.clear();
  write_json_string(out, std::string("q\"b\\c\x1f\x7f\t\r\n\b\f", 12));
  EXPECT_EQ(out, "\"q\\\"b\\\\c\\u001f\x7f\\t\\r\\n\\b\\f\"");
  out.clear();
  write_json_string(out, "\xED\x9F\xBF ok");  // U+D7FF: 0xED that is not a surrogate passes through
  EXPECT_EQ(out, "\"\xED\x9F\xBF ok\"");
  out.clear();
  write_json_string(out, "\xED");  // a truncated sequence at the end passes through too
  EXPECT_EQ(out, "\"\xED\"");
  out = "[";  // appended after what is there, with or without escapes
  write_json_string(out, "ab");
  write_json_string(out, "");
  write_json_string(out, "cd\"e");
  EXPECT_EQ(out, "[\"ab\"\"\"\"cd\\\"e\"");
}

TEST(Json, EvaluationsOnOneThreadShareNoVariables) {
  using testing::run;
  EXPECT_EQ(run("($a := 1; $a)"), "1");
  EXPECT_EQ(run("$a"), "undefined");
  bindings vars{{"v", value::number(2)}};
  EXPECT_EQ(run("$v", "", vars), "2");
  EXPECT_EQ(run("$v"), "undefined");
  // a closure in a result keeps its frame; the next evaluation starts clean
  auto keep = compile("($k := 5; function($x){ $x + $k })");
  ASSERT_TRUE(keep);
  auto fn = keep->evaluate(value());
  ASSERT_TRUE(fn);
  EXPECT_TRUE(fn->is_function());
  EXPECT_EQ(run("$k"), "undefined");
  EXPECT_EQ(run("($f := function($x){ $x * 2 }; $f(4))"), "8");
  EXPECT_EQ(run("$f"), "undefined");
  bindings with_fn{{"g", *fn}};
  EXPECT_EQ(run("$g(1)", "", with_fn), "6");
}

TEST(Json, BindingsOfConsecutiveEvaluationsDoNotMix) {
  using testing::run;
  bindings ab{{"a", value::number(1)}, {"b", value::number(2)}};
  bindings ab2{{"a", value::number(3)}, {"b", value::number(4)}};
  bindings ba{{"b", value::number(5)}, {"a", value::number(6)}};
  bindings a_twice{{"a", value::number(7)}, {"a", value::number(8)}};
  bindings string_name{{"string", value::number(9)}, {"b", value::number(1)}};
  EXPECT_EQ(run("$a + $b", "", ab), "3");
  EXPECT_EQ(run("$a + $b", "", ab2), "7");
  EXPECT_EQ(run("[$a, $b]", "", ba), "[6,5]");
  EXPECT_EQ(run("$a", "", a_twice), "8");  // the later binding of a name wins
  EXPECT_EQ(run("$a", "", a_twice), "8");
  EXPECT_EQ(run("($a := 10; $c := 11; $a + $c)", "", ab), "21");
  EXPECT_EQ(run("[$a, $b, $c]", "", ab2), "[3,4]");  // neither the reassignment nor $c stays
  EXPECT_EQ(run("$string", "", string_name), "9");
  EXPECT_EQ(run("$string(1)", "", ab), "\"1\"");  // the built-in is visible again
  EXPECT_EQ(run("$b", "", ab2), "4");
  EXPECT_EQ(run("$b"), "undefined");
}

TEST(Json, NestedCallsGetTheirOwnArguments) {
  using testing::run;
  // arguments evaluated by calls inside calls, higher-order calls and tail calls
  EXPECT_EQ(run(R"($substring($uppercase($substring("abcdef", 1)), $length("xy"), 2))"), "\"DE\"");
  EXPECT_EQ(run(R"($map([1,2,3], function($v){ $string($v * $count([$v, $v])) }))"), R"(["2","4","6"])");
  EXPECT_EQ(run(R"(($f := function($n, $acc){ $n = 0 ? $acc : $f($n - 1, $acc + $n) }; $f(1000, 0)))"),
            "500500");
  EXPECT_EQ(run(R"($join($map(["a","b"], function($s){ $join([$s, $uppercase($s)], "-") }), ","))"),
            "\"a-A,b-B\"");
}

TEST(JsonParse, NestingPastTheBoundSaysSo) {
  std::string ok = std::string(1000, '[') + std::string(1000, ']');
  EXPECT_TRUE(parse_json(ok).has_value());
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  auto r = parse_json(deep);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), "nested deeper than 1000 levels of arrays and objects at offset 1000");
}

TEST(JsonParse, AByteOrderMarkIsSkipped) {
  // Exports from Windows tools often start with one.
  EXPECT_EQ(round_trip("\xEF\xBB\xBF{\"a\":1}"), "{\"a\":1}");
  auto bad = parse_json("\xEF\xBB\xBF{\"a\":}");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().find("at offset 8"), std::string::npos) << bad.error();
}

TEST(JsonParse, LongMantissasWithExtremeExponentsParseToTheNearestDouble) {
  // RapidJSON's full-precision path crashed on the first, and gave
  // -6.857655085992112e+302 for the second.
  EXPECT_EQ(round_trip("[33.3333333333333333333333333334E-334, 3.333333333333333333333E-330, 0.1, 5e-324, -0]"),
            "[0,0,0.1,5e-324,0]");
  auto big = parse_json("[1e400]");
  ASSERT_FALSE(big.has_value());
  EXPECT_NE(big.error().find("too big"), std::string::npos) << big.error();
}

}  // namespace
}  // namespace simpul::mappings::jsonata
