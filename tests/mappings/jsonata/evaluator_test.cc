#include <gtest/gtest.h>

#include "tests/mappings/jsonata/eval_helper.h"

namespace simpul::mappings::jsonata {
namespace {

using testing::run;

constexpr std::string_view address = R"({
  "FirstName": "Fred", "Surname": "Smith", "Age": 28,
  "Address": {"Street": "Hursley Park", "City": "Winchester", "Postcode": "SO21 2JN"},
  "Phone": [
    {"type": "home", "number": "0203 544 1234"},
    {"type": "office", "number": "01962 001234"},
    {"type": "office", "number": "01962 001235"},
    {"type": "mobile", "number": "077 7700 1234"}
  ],
  "Other": {"Misc": null, "Alternative.Address": {"City": "London"}}
})";

TEST(Evaluator, NavigatesPathsAndFlattens) {
  EXPECT_EQ(run("Surname", address), "\"Smith\"");
  EXPECT_EQ(run("Address.City", address), "\"Winchester\"");
  EXPECT_EQ(run("Other.Misc", address), "null");
  EXPECT_EQ(run("Other.Nothing", address), "undefined");
  EXPECT_EQ(run("Other.`Alternative.Address`.City", address), "\"London\"");
  EXPECT_EQ(run("Phone.number", address),
            R"(["0203 544 1234","01962 001234","01962 001235","077 7700 1234"])");
  EXPECT_EQ(run("Phone[0].number", address), "\"0203 544 1234\"");
  EXPECT_EQ(run("Phone[-1].number", address), "\"077 7700 1234\"");
  EXPECT_EQ(run("Phone[type='mobile'].number", address), "\"077 7700 1234\"");
  EXPECT_EQ(run("Phone[type='mobile'].number[]", address), "[\"077 7700 1234\"]");
  EXPECT_EQ(run("Phone[[0..1]].type", address), R"(["home","office"])");
  EXPECT_EQ(run("Address.*", address), R"(["Hursley Park","Winchester","SO21 2JN"])");
  EXPECT_EQ(run("$count(**.City)", address), "2");
}

TEST(Evaluator, ArrayConstructorsKeepOrFlatten) {
  EXPECT_EQ(run("[Address, Other.`Alternative.Address`].City", address), R"(["Winchester","London"])");
  EXPECT_EQ(run("Phone.[type]", address), R"([["home"],["office"],["office"],["mobile"]])");
  EXPECT_EQ(run("[1..3, [4, 5]]"), "[1,2,3,[4,5]]");
  EXPECT_EQ(run("[1..5].($ * $)"), "[1,4,9,16,25]");
}

TEST(Evaluator, OperatorsFollowJsonataTyping) {
  EXPECT_EQ(run("5 % 3 + 2 * 4 - 1 / 2"), "9.5");
  EXPECT_EQ(run("'a' & 1 & true & null"), "\"a1truenull\"");
  EXPECT_EQ(run("1 = 1.0 and 'a' != 'b' and [1,2] = [1,2]"), "true");
  EXPECT_EQ(run("3 in [1,2,3]"), "true");
  EXPECT_EQ(run("nothing + 1"), "undefined");
  EXPECT_EQ(run("'a' + 1"), "error:T2001");
  EXPECT_EQ(run("1 + 'a'"), "error:T2002");
  EXPECT_EQ(run("1 < 'a'"), "error:T2009");
  EXPECT_EQ(run("{} < 1"), "error:T2010");
  EXPECT_EQ(run("-'a'"), "error:D1002");
  EXPECT_EQ(run("nothing ?? 'dflt'"), "\"dflt\"");
  EXPECT_EQ(run("'' ?: 'dflt'"), "\"dflt\"");
  EXPECT_EQ(run("Age > 18 ? 'adult' : 'minor'", address), "\"adult\"");
  EXPECT_EQ(run("[1..1e8]"), "error:D2014");
}

TEST(Evaluator, ObjectConstructionAndGrouping) {
  EXPECT_EQ(run("Phone{type: number}", address),
            R"({"home":"0203 544 1234","office":["01962 001234","01962 001235"],"mobile":"077 7700 1234"})");
  EXPECT_EQ(run("Phone.{type: number}", address),
            R"([{"home":"0203 544 1234"},{"office":"01962 001234"},{"office":"01962 001235"},{"mobile":"077 7700 1234"}])");
  EXPECT_EQ(run("{1: 2}"), "error:T1003");
  EXPECT_EQ(run("Phone{type: number, 'home': 1}", address), "error:D1009");
}

TEST(Evaluator, SortsAndBindsPositionsAndParents) {
  EXPECT_EQ(run("(Phone^(>type, number).number)[0]", address), "\"01962 001234\"");
  EXPECT_EQ(run("Phone#$i[type='office'].$i", address), "[1,2]");
  EXPECT_EQ(run("Phone@$p[$p.type='home'].$p.number", address), "\"0203 544 1234\"");
  EXPECT_EQ(run("Address.City.%.Postcode", address), "\"SO21 2JN\"");
  EXPECT_EQ(run("Phone[type='home'].%.Surname", address), "\"Smith\"");
}

TEST(Evaluator, BlocksVariablesLambdasClosures) {
  EXPECT_EQ(run("($x := 2; $y := $x * 3; $x + $y)"), "8");
  EXPECT_EQ(run("($add := function($a, $b){ $a + $b }; $add(1, 2))"), "3");
  EXPECT_EQ(run("($mk := λ($n){ function($x){ $x + $n } }; $inc := $mk(1); $inc(41))"), "42");
  EXPECT_EQ(run("($f := $substring(?, 0, 2); $f('hello'))"), "\"he\"");
  EXPECT_EQ(run("('  a  ' ~> $trim ~> $uppercase)"), "\"A\"");
  EXPECT_EQ(run("($up := $trim ~> $uppercase; $up(' x '))"), "\"X\"");
  EXPECT_EQ(run("($f := function($x)<n:n>{ $x }; $f('a'))"), "error:T0410");
  EXPECT_EQ(run("nothing()"), "error:T1006");
}

TEST(Evaluator, TailCallsRunInConstantDepth) {
  evaluate_options opts;
  opts.max_depth = 200;
  EXPECT_EQ(run("($loop := function($n, $acc){ $n = 0 ? $acc : $loop($n - 1, $acc + 1) }; $loop(5000, 0))", "",
                {}, opts),
            "5000");
  EXPECT_EQ(run("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(5000))", "", {}, opts),
            "error:U1001");
}

TEST(Evaluator, TransformsCopyAndModify) {
  EXPECT_EQ(run("($ ~> |Address|{'City': 'Southampton'}, ['Postcode']|).Address", address),
            R"({"Street":"Hursley Park","City":"Southampton"})");
  EXPECT_EQ(run("Address.City", address), "\"Winchester\"");
  EXPECT_EQ(run("$ ~> |Address|5|", address), "error:T2011");
  // the clauses are type-checked for every match, objects or not
  EXPECT_EQ(run("$ ~> |Address.City|5|", address), "error:T2011");
  EXPECT_EQ(run("$ ~> |Address.City|{}, 5|", address), "error:T2012");
  EXPECT_EQ(run("($ ~> |Address.City|{'x': 1}|).Address.City", address), "\"Winchester\"");
}

TEST(Evaluator, GroupingInsideAPathAppliesToTheWholePath) {
  const char* orders =
      R"({"Order":[{"id":"o1","Product":[{"Name":"Hat","Price":3},{"Name":"Bag","Price":2}]},)"
      R"({"id":"o2","Product":[{"Name":"Hat","Price":4}]}]})";
  // `{...}` then `.Product`: the grouping sees the products, not the orders
  EXPECT_EQ(run("Order{id: Product.Price}.Product", orders), "{}");
  EXPECT_EQ(run("Order.Product{Name: $sum(Price)}", orders), R"({"Hat":7,"Bag":2})");
  EXPECT_EQ(run("Order{Product.Name: Price}.Product", orders), "{}");
  EXPECT_EQ(run("Order.Product{Name: Price}.Price", orders), "{}");
  // a predicate after a grouping filters the path's last step
  EXPECT_EQ(run("Order{id: $count(Product)}[0]", orders), R"({"o1":2})");
}

TEST(Evaluator, MembershipComparesObjectsByIdentity) {
  EXPECT_EQ(run("($o := {'a': 1}; $o in [2, $o])"), "true");
  EXPECT_EQ(run("{'a': 1} in [{'a': 1}]"), "false");
  EXPECT_EQ(run("[1] in [[1]]"), "false");
  EXPECT_EQ(run("'x' in ['y', 'x']"), "true");
  EXPECT_EQ(run("Address in [Address]", address), "true");
}

TEST(Evaluator, DollarSignsAfterTheFirstArePartOfAVariableName) {
  EXPECT_EQ(run("$$.Address.City", address), "\"Winchester\"");
  EXPECT_EQ(run("$$$"), "undefined");
  EXPECT_EQ(run("$a$", "", {{"a$", value::number(3)}}), "3");
}

TEST(Evaluator, RegexLiteralsMatch) {
  EXPECT_EQ(run("$match('ababbabbcc', /a(b+)/).groups"), R"(["b","bb","bb"])");
  EXPECT_EQ(run("Phone[number ~> /^077/].type", address), "\"mobile\"");
  EXPECT_EQ(run("$replace('John Smith', /(\\w+)\\s(\\w+)/, '$2, $1')"), "\"Smith, John\"");
}

}  // namespace
}  // namespace simpul::mappings::jsonata
