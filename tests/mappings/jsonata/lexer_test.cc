#include "mappings/jsonata/lexer.h"

#include <gtest/gtest.h>

#include "mappings/jsonata/error.h"

namespace simpul::mappings::jsonata {
namespace {

std::vector<token> lex_all(std::string_view src) {
  lexer lx(src);
  std::vector<token> out;
  for (;;) {
    token t = lx.next(out.empty() || out.back().kind == token_kind::op);
    if (t.kind == token_kind::end) return out;
    out.push_back(std::move(t));
  }
}

std::string error_code(std::string_view src) {
  try {
    lex_all(src);
  } catch (const jsonata_exception& e) {
    return e.error.code;
  }
  return "";
}

TEST(Lexer, TokenizesOperatorsNamesAndLiterals) {
  auto t = lex_all("Account.Order[0].`Product Name` != $x and 1.5e2 <= \"s\"");
  ASSERT_EQ(t.size(), 14u);
  EXPECT_EQ(t[0].kind, token_kind::name);
  EXPECT_EQ(t[0].text, "Account");
  EXPECT_EQ(t[4].kind, token_kind::number);
  EXPECT_EQ(t[7].text, "Product Name");
  EXPECT_EQ(t[8].text, "!=");
  EXPECT_EQ(t[9].kind, token_kind::variable);
  EXPECT_EQ(t[9].text, "x");
  EXPECT_EQ(t[10].kind, token_kind::op);
  EXPECT_EQ(t[11].number, 150);
  EXPECT_EQ(t[12].text, "<=");
  EXPECT_EQ(t[13].kind, token_kind::string);
}

TEST(Lexer, DecodesEscapesIncludingSurrogatePairs) {
  auto t = lex_all(R"("a\n\u00e9\uD834\uDD1E")");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].text, "a\n\xC3\xA9\xF0\x9D\x84\x9E");
}

TEST(Lexer, RegexOnlyInOperandPosition) {
  auto t = lex_all("/ab+c/i");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].kind, token_kind::regex);
  EXPECT_EQ(t[0].text, "ab+c");
  EXPECT_EQ(t[0].flags, "i");
  lexer lx("4 / 2");
  lx.next(true);
  EXPECT_EQ(lx.next(false).text, "/");
}

TEST(Lexer, SkipsCommentsAndReportsErrors) {
  EXPECT_EQ(lex_all("/* c */ a /* d */").size(), 1u);
  EXPECT_EQ(error_code("\"open"), "S0101");
  EXPECT_EQ(error_code("\"\\q\""), "S0103");
  EXPECT_EQ(error_code("\"\\u12\""), "S0104");
  EXPECT_EQ(error_code("`open"), "S0105");
  EXPECT_EQ(error_code("a /* open"), "S0106");
  EXPECT_EQ(error_code("1e999"), "S0102");
}

}  // namespace
}  // namespace simpul::mappings::jsonata
