#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "mappings/jsonata/picture/picture.h"

namespace simpul::mappings::jsonata::picture {
namespace {

std::string fn(double value, std::string_view pic, const decimal_format& f = {}) {
  auto r = format_number(value, pic, f);
  return r ? *r : "ERR " + r.error().code;
}

TEST(FormatNumber, DocumentedExamples) {
  EXPECT_EQ(fn(12345.6, "#,###.00"), "12,345.60");
  EXPECT_EQ(fn(1234.5678, "00.000e0"), "12.346e2");
  EXPECT_EQ(fn(34.555, "#0.00;(#0.00)"), "34.56");
  EXPECT_EQ(fn(-34.555, "#0.00;(#0.00)"), "(34.56)");
  EXPECT_EQ(fn(0.14, "01%"), "14%");
  decimal_format pm;
  pm.per_mille = "pm";
  EXPECT_EQ(fn(0.14, "###pm", pm), "140pm");
  decimal_format circled;
  circled.zero_digit = "\u245f";
  EXPECT_EQ(fn(1234.5678, "\u2460\u2460.\u2460\u2460\u2460e\u2460", circled),
            "\u2460\u2461.\u2462\u2463\u2465e\u2461");
}

TEST(FormatNumber, RoundsHalfToEvenOnTheWrittenDecimal) {
  EXPECT_EQ(fn(0.125, "0.00"), "0.12");
  EXPECT_EQ(fn(0.135, "0.00"), "0.14");
  EXPECT_EQ(fn(2.5, "0"), "2");
  EXPECT_EQ(fn(9.995, "0.00"), "10.00");
}

TEST(FormatNumber, DigitsBeyondPrecisionAreTheDoublesOwn) {
  EXPECT_EQ(fn(0.1, "0.0000000000000000000000"), "0.1000000000000000055511");
  EXPECT_EQ(fn(12345678901234567890.0, "#,##0"), "12,345,678,901,234,567,168");
  EXPECT_EQ(fn(1e-7, "0.000000000"), "0.000000100");
}

TEST(FormatNumber, OtherSymbols) {
  decimal_format european;
  european.decimal_separator = ",";
  european.grouping_separator = ".";
  EXPECT_EQ(fn(1234567.891, "#.##0,00", european), "1.234.567,89");
  decimal_format arabic;
  arabic.zero_digit = "\u0660";
  EXPECT_EQ(fn(-1234.5, "#,##0.00", arabic), "ERR D3086");  // ASCII 0 is passive now
  EXPECT_EQ(fn(-1234.5, "#,##\u0660.\u0660\u0660", arabic),
            "-\u0661,\u0662\u0663\u0664.\u0665\u0660");
  decimal_format custom;
  custom.exponent_separator = "E";
  custom.minus_sign = "\u2212";
  EXPECT_EQ(fn(0.000123, "0.00E0", custom), "1.23E\u22124");
  decimal_format pct;
  pct.percent = "pct";
  EXPECT_EQ(fn(0.256, "0.0pct", pct), "25.6pct");
}

TEST(FormatNumber, OptionalAndMandatoryDigits) {
  EXPECT_EQ(fn(0.5, "#.00"), ".50");
  EXPECT_EQ(fn(1, "#.##"), "1.0");
  EXPECT_EQ(fn(-12.6, "#"), "-13");
  EXPECT_EQ(fn(1234.5, "#,##0.00 items"), "1,234.50 items");
  EXPECT_EQ(fn(0, "0.0e0"), "0.0e0");
}

TEST(FormatNumber, IrregularGrouping) {
  EXPECT_EQ(fn(12345678.9, "#,##,##0.0"), "123,45,678.9");
  EXPECT_EQ(fn(1234567, "#,###,##0"), "1,234,567");
}

TEST(FormatNumber, ExponentScalingFollowsTheReference) {
  EXPECT_EQ(fn(100, "0.0e0"), "10.0e1");
  EXPECT_EQ(fn(0.00012, "0.0e00"), "1.2e-04");
}

TEST(FormatNumber, SpecialValues) {
  EXPECT_EQ(fn(std::numeric_limits<double>::quiet_NaN(), "0"), "NaN");
  EXPECT_EQ(fn(-std::numeric_limits<double>::infinity(), "#;(#)"), "(Infinity)");
}

TEST(FormatNumber, PictureErrors) {
  EXPECT_EQ(fn(1, "0;0;0"), "ERR D3080");
  EXPECT_EQ(fn(1, "0.0.0"), "ERR D3081");
  EXPECT_EQ(fn(1, "0%%"), "ERR D3082");
  EXPECT_EQ(fn(1, "0\u2030\u2030"), "ERR D3083");
  EXPECT_EQ(fn(1, "0%\u2030"), "ERR D3084");
  EXPECT_EQ(fn(1, ""), "ERR D3085");
  EXPECT_EQ(fn(1, "abc"), "ERR D3086");
  EXPECT_EQ(fn(1, "0e"), "ERR D3093");
  EXPECT_EQ(fn(1, "0.0e0.0"), "ERR D3093");
  EXPECT_EQ(fn(1, "0x0"), "ERR D3086");
  EXPECT_EQ(fn(1, "0,.0"), "ERR D3087");
  EXPECT_EQ(fn(1, "0,"), "ERR D3088");
  EXPECT_EQ(fn(1, "0,,0"), "ERR D3089");
  EXPECT_EQ(fn(1, "0#"), "ERR D3090");
  EXPECT_EQ(fn(1, "#0##"), "1");  // only a mandatory digit before the first optional one counts
  EXPECT_EQ(fn(1, "0.#0"), "ERR D3091");
  EXPECT_EQ(fn(1, "0 e"), "1 e");
  EXPECT_EQ(fn(1, "0%e"), "100%e");
  EXPECT_EQ(fn(1, "0%e0"), "ERR D3092");
}

}  // namespace
}  // namespace simpul::mappings::jsonata::picture
