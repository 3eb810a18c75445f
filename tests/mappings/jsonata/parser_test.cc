#include "mappings/jsonata/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "mappings/jsonata/jsonata.h"

namespace simpul::mappings::jsonata {
namespace {

jsonata_error syntax_error(std::string_view text) {
  auto r = compile(text);
  EXPECT_FALSE(r.has_value()) << text;
  return r ? jsonata_error{} : r.error();
}

TEST(Parser, BuildsPathsWithStepsAndStages) {
  node_ptr n = parse_expression("Account.Order[0].Product");
  ASSERT_EQ(n->type, node_type::path);
  ASSERT_EQ(n->items.size(), 3u);
  EXPECT_EQ(n->items[1]->str, "Order");
  EXPECT_EQ(n->items[1]->stages.size(), 1u);
}

TEST(Parser, MarksTailCallsInLambdaBodies) {
  node_ptr n = parse_expression("function($n){ $n = 0 ? 1 : $f($n - 1) }");
  ASSERT_EQ(n->type, node_type::lambda);
  EXPECT_TRUE(n->rhs->third->thunk);
}

TEST(Parser, BindsFocusAndIndexVariablesToSteps) {
  node_ptr n = parse_expression("Employee@$e#$i.Contact");
  ASSERT_EQ(n->type, node_type::path);
  EXPECT_EQ(n->items[0]->focus, "e");
  EXPECT_EQ(n->items[0]->index, "i");
  EXPECT_TRUE(n->tuple_path);
}

TEST(Parser, ReportsSyntaxErrorsWithCodeAndPosition) {
  auto e = syntax_error("1 +");
  EXPECT_EQ(e.code, "S0207");
  e = syntax_error("(1 ; 2");
  EXPECT_EQ(e.code, "S0203");
  e = syntax_error("[1, 2 3]");
  EXPECT_EQ(e.code, "S0202");
  EXPECT_EQ(e.position, 7);
  EXPECT_EQ(e.token, "3");
  EXPECT_EQ(syntax_error("1 := 2").code, "S0212");
  EXPECT_EQ(syntax_error("function(a){1}").code, "S0208");
  EXPECT_EQ(syntax_error("a@b").code, "S0214");
  EXPECT_EQ(syntax_error("foo.\"bar\".3").code, "S0213");
  EXPECT_EQ(syntax_error("a{'x':1}{'y':2}").code, "S0210");
  EXPECT_EQ(syntax_error("(a){'x':1}[0]").code, "S0209");
  EXPECT_EQ(syntax_error("a{'x':1}.b{'y':2}").code, "S0210");
  EXPECT_EQ(syntax_error("%").code, "S0217");
  EXPECT_EQ(syntax_error("1 ! 2").code, "S0204");
  EXPECT_EQ(syntax_error("a b").code, "S0201");
}

TEST(Parser, ReportsTheMissingCloserWhenTextEndsInsideBrackets) {
  // after an operator the operand is missing (S0207); inside brackets the
  // closer is (S0203, naming it)
  EXPECT_EQ(syntax_error("-").code, "S0207");
  EXPECT_EQ(syntax_error("a ~>").code, "S0207");
  for (const char* text : {"(", "$f(", "$f(1,", "function(", "a^("}) {
    auto e = syntax_error(text);
    EXPECT_EQ(e.code, "S0203") << text;
    EXPECT_EQ(e.value, ")") << text;
  }
  for (const char* text : {"[", "[1,", "a[", "[1.."}) {
    auto e = syntax_error(text);
    EXPECT_EQ(e.code, "S0203") << text;
    EXPECT_EQ(e.value, "]") << text;
  }
  EXPECT_EQ(syntax_error("{").value, ":");
  EXPECT_EQ(syntax_error("{'a':").value, "}");
  EXPECT_EQ(syntax_error("function($x){").value, "}");
}

TEST(Parser, AcceptsTheRangeOperatorOnlyInsideArrayConstructors) {
  EXPECT_TRUE(compile("[1..3]").has_value());
  EXPECT_TRUE(compile("[0, 2..$x, 9]").has_value());
  EXPECT_EQ(syntax_error("1..3").code, "S0201");
  EXPECT_EQ(syntax_error("a..b").code, "S0201");
  auto e = syntax_error("[(1..3)]");
  EXPECT_EQ(e.code, "S0202");
  EXPECT_EQ(e.token, "..");
}

TEST(Parser, RefusesNestingBeyondTheLimitInsteadOfOverflowingTheStack) {
  std::string deep = std::string(100000, '(') + "1" + std::string(100000, ')');
  EXPECT_EQ(syntax_error(deep).code, "S0201");
  std::string ok = std::string(100, '(') + "1" + std::string(100, ')');
  EXPECT_TRUE(compile(ok).has_value());
}

// A long infix chain grows the tree without
// recursing in the parser and overflowed the stack later.
TEST(Parser, BoundsLongInfixChains) {
  std::string sum = "1";
  for (int i = 0; i < 100000; ++i) sum += "+1";
  EXPECT_EQ(syntax_error(sum).code, "S0201");
  std::string path = "a";
  for (int i = 0; i < 100000; ++i) path += ".a";
  EXPECT_EQ(syntax_error(path).code, "S0201");
  std::string ok = "1";
  for (int i = 0; i < 300; ++i) ok += "+1";
  EXPECT_TRUE(compile(ok).has_value());
}

}  // namespace
}  // namespace simpul::mappings::jsonata
