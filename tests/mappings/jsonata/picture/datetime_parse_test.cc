#include <gtest/gtest.h>

#include "mappings/jsonata/picture/picture.h"

namespace simpul::mappings::jsonata::picture {
namespace {

constexpr std::int64_t kNow = 1795447805123;  // 2026-11-23T15:30:05.123Z

std::optional<std::int64_t> tm(std::string_view text,
                               std::optional<std::string_view> pic = std::nullopt) {
  auto r = parse_datetime(text, pic, kNow);
  EXPECT_TRUE(r.has_value()) << text << " -> " << (r ? "" : r.error().code);
  return r ? *r : std::nullopt;
}

std::string error_of(std::string_view text, std::optional<std::string_view> pic = std::nullopt) {
  auto r = parse_datetime(text, pic, kNow);
  return r ? "no error" : r.error().code;
}

TEST(ParseDatetime, Iso8601) {
  EXPECT_EQ(tm("2017-11-07T15:07:54.972Z"), 1510067274972);
  EXPECT_EQ(tm("2018-02-01T09:42:13.123+0000"), 1517478133123);
  EXPECT_EQ(tm("2017-10-30T15:28:34.5+07:00"), 1509352114500);
  EXPECT_EQ(tm("2017-10-30"), 1509321600000);
  EXPECT_EQ(tm("2018"), 1514764800000);
  EXPECT_EQ(error_of("foo"), "D3110");
  EXPECT_EQ(error_of("2018-02-03 11:15:33"), "D3110");
  EXPECT_EQ(error_of("2017-10-30T15:28Z"), "D3110");
  EXPECT_EQ(error_of("2017-13-01"), "D3110");
}

TEST(ParseDatetime, DocumentedExample) {
  // $toMillis('10/12/2018', '[D]/[M]/[Y]') is 10 December 2018.
  EXPECT_EQ(tm("10/12/2018", "[D]/[M]/[Y]"), 1544400000000);
}

TEST(ParseDatetime, NumbersWordsAndNames) {
  EXPECT_EQ(tm("27th 3 1976", "[D1o] [M#1] [Y0001]"), 196732800000);
  EXPECT_EQ(tm("21st 12 1881", "[D1o] [M01] [Y0001]"), -2777932800000);
  EXPECT_EQ(tm("27 iii MMXVIII", "[D1] [Mi] [YI]"), 1522108800000);
  EXPECT_EQ(tm("ae C mmxviii", "[Da] [MA] [Yi]"), 1522454400000);
  EXPECT_EQ(tm("2 Feb 2012", "[D1] [MNn,3-3] [Y0001]"), 1328140800000);
  EXPECT_EQ(tm("twenty-first August two thousand and seventeen", "[Dw] [MNn] [Yw]"),
            1503273600000);
  EXPECT_EQ(tm("Twentieth of August, two thousand and seventeen", "[DW] of [MNn], [Yw]"),
            1503187200000);
  EXPECT_EQ(tm("Mon, Twelfth November 2018", "[FNn,*-3], [DWwo] [MNn] [Y]"), 1541980800000);
  EXPECT_EQ(tm("three hundred and sixty-fifth day of 2018", "[dwo] day of [Y]"), 1546214400000);
}

TEST(ParseDatetime, AdjacentNumbersUseTheirPatternWidth) {
  EXPECT_EQ(tm("201802", "[Y0001][M01]"), 1517443200000);
  EXPECT_EQ(tm("201802", "[Y,*-4][M01]"), 1517443200000);
  EXPECT_EQ(tm("20240101123849", "[Y0000][M00][D00][H00][m00][s00]"), 1704112729000);
  EXPECT_EQ(tm("2018-3-5", "[Y0001]-[M01]-[D01]"), 1520208000000);
}

TEST(ParseDatetime, TwelveHourClock) {
  EXPECT_EQ(tm("4/4/2018 12:06 am", "[D1]/[M1]/[Y0001] [h]:[m] [P]"), 1522800360000);
  EXPECT_EQ(tm("4/4/2018 12:06 pm", "[D1]/[M1]/[Y0001] [h]:[m] [P]"), 1522843560000);
  EXPECT_EQ(tm("4/4/2018 11:30 PM", "[D1]/[M1]/[Y0001] [h]:[m] [P]"), 1522884600000);
}

TEST(ParseDatetime, Offsets) {
  const char* pic = "[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] ";
  EXPECT_EQ(tm("2020-09-09 08:00:00 +02:00", std::string(pic) + "[Z]"), 1599631200000);
  EXPECT_EQ(tm("2020-09-09 08:00:00 GMT-05:00", std::string(pic) + "[z]"), 1599656400000);
  EXPECT_EQ(tm("2020-09-09 12:00:00 GMT-5", std::string(pic) + "[z01]"), 1599670800000);
  EXPECT_EQ(tm("2020-09-09 12:00:00 +0530", std::string(pic) + "[Z0001]"), 1599633000000);
  EXPECT_EQ(tm("2020-09-09 12:00:00 Z", std::string(pic) + "[Z01:01t]"), 1599652800000);
}

TEST(ParseDatetime, FractionsAreTruncatedToMilliseconds) {
  EXPECT_EQ(tm("2026-04-08T19:05:04.01987", "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f1]"),
            1775675104019);
}

TEST(ParseDatetime, MissingLeadingPartsComeFromNowTrailingOnesAreLeast) {
  EXPECT_EQ(tm("13:45", "[H]:[m]"), 1795441500000);  // today 13:45:00.000
  EXPECT_EQ(tm("30 5", "[m] [s]"), 1795447805000);  // hour from now, minutes and seconds given
  EXPECT_EQ(tm("2018-094", "[Y0001]-[d001]"), 1522800000000);
  EXPECT_EQ(tm("2018", "[Y1]"), 1514764800000);
}

TEST(ParseDatetime, NoMatchIsNoValue) {
  EXPECT_EQ(tm("Hello", "Hello"), std::nullopt);
  EXPECT_EQ(tm("irrelevant string", "[Y]-[M]-[D]"), std::nullopt);
  EXPECT_EQ(tm("2018-03-05xyz", "[Y]-[M]-[D]"), std::nullopt);
}

TEST(ParseDatetime, PictureErrors) {
  EXPECT_EQ(error_of("2018-05-22", "[Y]-[M]-[q]"), "D3132");
  EXPECT_EQ(error_of("2018-05-22", "[YN]-[M]-[D]"), "D3133");
  EXPECT_EQ(error_of("2018-22", "[Y]-[D]"), "D3136");
  EXPECT_EQ(error_of("5-22 23:59", "[M]-[D] [m]:[s]"), "D3136");
  EXPECT_EQ(error_of("2018-32-5", "[X]-[W]-[F1]"), "D3136");
  EXPECT_EQ(error_of("2018-03-05 10:30", "[Y]-[M]-[D] [h]:[m]"), "D3136");
}

TEST(ParseDatetime, RoundTripsWhatFormatWrites) {
  const std::int64_t instants[] = {0, 1521801216617, -2777932800000, 951782400000, 4102444800000};
  const char* pictures[] = {"[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]",
                            "[FNn], [D1o] [MNn] [Y] [H]:[m]:[s].[f001]",
                            "[Dwo] [MNn] [Yw] [h]:[m]:[s].[f001] [P]"};
  for (auto millis : instants) {
    for (auto pic : pictures) {
      auto text = format_datetime(millis, pic);
      ASSERT_TRUE(text.has_value());
      EXPECT_EQ(tm(*text, pic), millis) << *text;
    }
  }
}

}  // namespace
}  // namespace simpul::mappings::jsonata::picture
