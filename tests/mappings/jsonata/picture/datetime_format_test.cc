#include <gtest/gtest.h>

#include "mappings/jsonata/picture/picture.h"

namespace simpul::mappings::jsonata::picture {
namespace {

constexpr std::int64_t kFri23Mar2018 = 1521801216617;  // 2018-03-23T10:33:36.617Z

std::string fm(std::int64_t millis, std::optional<std::string_view> pic = std::nullopt,
               std::optional<std::string_view> tz = std::nullopt) {
  auto r = format_datetime(millis, pic, tz);
  return r ? *r : "ERR " + r.error().code;
}

TEST(FormatDatetime, DocumentedExamples) {
  EXPECT_EQ(fm(1510067557121), "2017-11-07T15:12:37.121Z");
  EXPECT_EQ(fm(1510067557121, "[M01]/[D01]/[Y0001] [h#1]:[m01][P]"), "11/07/2017 3:12pm");
  EXPECT_EQ(fm(1510067557121, "[H01]:[m01]:[s01] [z]", "-0500"), "10:12:37 GMT-05:00");
  EXPECT_EQ(fm(1544400000000, "[M]/[D]/[Y]"), "12/10/2018");
  EXPECT_EQ(fm(1544400000000, "[FNn], [D1o] [MNn] [YI]"), "Monday, 10th December MMXVIII");
}

TEST(FormatDatetime, IsoDefaultFollowsTheTimezone) {
  EXPECT_EQ(fm(1, std::nullopt), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(fm(1540127100000, std::nullopt, "-0500"), "2018-10-21T08:05:00.000-05:00");
  EXPECT_EQ(fm(1540127100000, std::nullopt, "0000"), "2018-10-21T13:05:00.000Z");
  EXPECT_EQ(fm(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(fm(8640000000000000), "5760-09-13T00:00:00.000Z");  // [Y0001] keeps four digits
  EXPECT_EQ(fm(8640000000000001), "ERR D1001");
}

TEST(FormatDatetime, LiteralsAndBrackets) {
  EXPECT_EQ(fm(kFri23Mar2018, "Hello"), "Hello");
  EXPECT_EQ(fm(kFri23Mar2018, "[[Year]]: [[[Y0001]]]"), "[Year]: [2018]");
  EXPECT_EQ(fm(kFri23Mar2018, "[Y]-[ M01]-[D 01]"), "2018-03-23");
  EXPECT_EQ(fm(kFri23Mar2018, "[Y]-[M"), "ERR D3135");
}

TEST(FormatDatetime, NumbersWordsAndNames) {
  EXPECT_EQ(fm(kFri23Mar2018, "[D1o] [MNn] [Y]"), "23rd March 2018");
  EXPECT_EQ(fm(kFri23Mar2018, "[FNn], the [Dwo] of [MNn] [Y] [E]"),
            "Friday, the twenty-third of March 2018 ISO");
  EXPECT_EQ(fm(kFri23Mar2018, "[FNn,3-3], [MN,3-3] [Yw]"), "Fri, MAR two thousand and eighteen");
  EXPECT_EQ(fm(kFri23Mar2018, "[Da] [MA] [Yi]"), "w C mmxviii");
  EXPECT_EQ(fm(kFri23Mar2018, "[F], [h]:[m]:[s] [P] [PN]"), "friday, 10:33:36 am AM");
  EXPECT_EQ(fm(kFri23Mar2018, "[Y9,999,*]"), "2,018");
  EXPECT_EQ(fm(kFri23Mar2018, "[f001] [f]"), "617 617");
}

TEST(FormatDatetime, YearWidths) {
  EXPECT_EQ(fm(kFri23Mar2018, "[Y,2]"), "18");
  EXPECT_EQ(fm(kFri23Mar2018, "[Y01]"), "18");
  EXPECT_EQ(fm(kFri23Mar2018, "[Y0001,2]"), "2018");
  EXPECT_EQ(fm(kFri23Mar2018, "[Y0001,2-2]"), "18");
  EXPECT_EQ(fm(1104537600000, "[Y,3] [Y,*-2] [M,2] [m,1-1]"), "005 05 01 00");
}

TEST(FormatDatetime, Weeks) {
  EXPECT_EQ(fm(1104537600000, "[X0001]-W[W01]-[F1]"), "2004-W53-6");  // 2005-01-01
  EXPECT_EQ(fm(1451563200000, "[W]"), "53");                           // 2015-12-31
  EXPECT_EQ(fm(1483272000000, "[w] of [xNn]"), "5 of December");       // Sunday 2017-01-01
  EXPECT_EQ(fm(1533038400000, "[w] of [xNn]"), "1 of August");         // Tuesday 2018-07-31
  EXPECT_EQ(fm(1522616700000, "[F0] [FNn]"), "7 Sunday");
  EXPECT_EQ(fm(1483185600000, "[d] days"), "366 days");
}

TEST(FormatDatetime, Offsets) {
  constexpr std::int64_t noon = 1531310400000;  // 2018-07-11T12:00:00Z
  EXPECT_EQ(fm(noon, "[H01][Z01:01]"), "12+00:00");
  EXPECT_EQ(fm(noon, "[H01][Z01:01t]"), "12Z");
  EXPECT_EQ(fm(noon, "[H01][Z0]", "-0500"), "07-5");
  EXPECT_EQ(fm(noon, "[H01][Z0]", "+0530"), "17+5:30");
  EXPECT_EQ(fm(noon, "[H01][Z0101t]", "+0100"), "13+0100");
  EXPECT_EQ(fm(noon, "[H01][Z]", "-0530"), "06-05:30");
  EXPECT_EQ(fm(noon, "[Z010101t]", "+0530"), "ERR D3134");
  EXPECT_EQ(fm(noon, "[H]", "+07x0"), "ERR D3110");
}

TEST(FormatDatetime, PictureErrors) {
  EXPECT_EQ(fm(0, "[YN]"), "ERR D3133");
  EXPECT_EQ(fm(0, "[Q]"), "ERR D3132");
  EXPECT_EQ(fm(0, "[]"), "ERR D3132");  // a marker must name a component
  EXPECT_EQ(fm(0, "[ ]x["), "ERR D3132");
  EXPECT_EQ(fm(0, "[Y\u03b1]"), "ERR D3130");
}

}  // namespace
}  // namespace simpul::mappings::jsonata::picture
