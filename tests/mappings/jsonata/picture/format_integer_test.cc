#include <gtest/gtest.h>

#include "mappings/jsonata/picture/picture.h"

namespace simpul::mappings::jsonata::picture {
namespace {

std::string fi(double value, std::string_view pic) {
  auto r = format_integer(value, pic);
  return r ? *r : "ERR " + r.error().code;
}

std::optional<double> pi(std::string_view text, std::string_view pic) {
  auto r = parse_integer(text, pic);
  EXPECT_TRUE(r.has_value()) << text << " / " << pic;
  return r ? *r : std::nullopt;
}

TEST(FormatInteger, DocumentedExamples) {
  EXPECT_EQ(fi(2789, "w"), "two thousand, seven hundred and eighty-nine");
  EXPECT_EQ(fi(1999, "I"), "MCMXCIX");
}

TEST(FormatInteger, DecimalPadsAndGroups) {
  EXPECT_EQ(fi(123, "0000"), "0123");
  EXPECT_EQ(fi(-3, "0000"), "-0003");
  EXPECT_EQ(fi(12, "#,##0"), "12");
  EXPECT_EQ(fi(1234567890, "#,##0"), "1,234,567,890");
  EXPECT_EQ(fi(1234567890, "#:###,##0"), "1234:567,890");
  EXPECT_EQ(fi(1234567890, "##,##,##0"), "12345,67,890");
  EXPECT_EQ(fi(12.6, "###0"), "12");
  EXPECT_EQ(fi(-12.6, "#0"), "-13");
}

TEST(FormatInteger, OtherDigitFamilies) {
  EXPECT_EQ(fi(12340, "###\u0661"), "\u0661\u0662\u0663\u0664\u0660");
  EXPECT_EQ(fi(12340, "##0\uff10"), "ERR D3131");
}

TEST(FormatInteger, Ordinals) {
  EXPECT_EQ(fi(1, "0;o"), "1st");
  EXPECT_EQ(fi(22, "0;o"), "22nd");
  EXPECT_EQ(fi(113, "0;o"), "113th");
  EXPECT_EQ(fi(1234567, "#,##0;o"), "1,234,567th");
  EXPECT_EQ(fi(1234, "0;c"), "1234");
}

TEST(FormatInteger, Words) {
  EXPECT_EQ(fi(0, "w"), "zero");
  EXPECT_EQ(fi(555, "Ww"), "Five Hundred and Fifty-Five");
  EXPECT_EQ(fi(99, "W;o"), "NINETY-NINTH");
  EXPECT_EQ(fi(1000000000001, "w;o"), "one trillion and first");
  EXPECT_EQ(fi(1e46, "w"), "ten billion trillion trillion trillion");
  EXPECT_EQ(fi(-5, "w"), "-five");
}

TEST(FormatInteger, RomanAndLetters) {
  EXPECT_EQ(fi(0, "I"), "");
  EXPECT_EQ(fi(1984, "i"), "mcmlxxxiv");
  EXPECT_EQ(fi(27, "a"), "aa");
  EXPECT_EQ(fi(123456, "A"), "FZPH");
}

TEST(FormatInteger, UnsupportedPictures) {
  EXPECT_EQ(fi(1, "\u03b1"), "ERR D3130");
  EXPECT_EQ(fi(1, "#"), "ERR D3130");
  EXPECT_EQ(fi(1, "b"), "ERR D3130");
}

TEST(ParseInteger, DocumentedExamples) {
  EXPECT_EQ(pi("twelve thousand, four hundred and seventy-six", "w"), 12476);
  EXPECT_EQ(pi("12,345,678", "#,##0"), 12345678);
}

TEST(ParseInteger, EveryPresentation) {
  EXPECT_EQ(pi("0123", "0000"), 123);
  EXPECT_EQ(pi("123rd", "000;o"), 123);
  EXPECT_EQ(pi("\uff11\uff12", "###\uff10"), 12);
  EXPECT_EQ(pi("1234:567,890", "#:###,##0"), 1234567890);
  EXPECT_EQ(pi("", "I"), 0);
  EXPECT_EQ(pi("xcix", "i"), 99);
  EXPECT_EQ(pi("FZPH", "A"), 123456);
  EXPECT_EQ(pi("", "a"), 0);
  EXPECT_EQ(pi("-1,000", "#,##0"), -1000);
  EXPECT_EQ(pi("-7th", "0;o"), -7);
  EXPECT_EQ(pi("nineteen hundred and eighty-four", "w"), 1984);
  EXPECT_EQ(pi("Seven Hundred and Thirty-Third", "Ww;o"), 733);
  EXPECT_EQ(pi("ten billion trillion trillion trillion", "w"), 1e46);
}

TEST(ParseInteger, NoMatchIsNoValue) {
  EXPECT_EQ(pi("x5", "0"), std::nullopt);
  EXPECT_EQ(pi("minus five", "w"), std::nullopt);
  EXPECT_EQ(parse_integer("50", "#").error().code, "D3130");
}

}  // namespace
}  // namespace simpul::mappings::jsonata::picture
