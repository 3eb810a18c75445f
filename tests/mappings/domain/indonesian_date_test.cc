#include "mappings/domain/indonesian_date.h"

#include <gtest/gtest.h>

namespace simpul::mappings::domain {
namespace {

void expect_date(std::string_view in, std::string_view out) {
  auto r = parse_indonesian_date(in);
  ASSERT_TRUE(r) << in << ": " << r.error().message;
  EXPECT_EQ(*r, out) << in;
}

void expect_bad_date(std::string_view in) {
  auto r = parse_indonesian_date(in);
  ASSERT_FALSE(r) << in << " gave " << *r;
  EXPECT_EQ(r.error().code, "TANGGAL_TIDAK_VALID");
}

TEST(IndonesianDateTest, HeaderExamples) {
  expect_date("17/08/2024", "2024-08-17");
  expect_date("17-08-2024", "2024-08-17");
  expect_date("17.08.2024", "2024-08-17");
  expect_date("5/6/2024", "2024-06-05");
  expect_date("17/08/24", "2024-08-17");
  expect_date("2024-08-17", "2024-08-17");
  expect_date("17 Agustus 2024", "2024-08-17");
  expect_date("17 Agt 2024", "2024-08-17");
  expect_date("17 Agt. 2024", "2024-08-17");
  expect_date("17-Agu-2024", "2024-08-17");
  expect_date("Sabtu, 17 Agustus 2024", "2024-08-17");
  expect_date("10 Nopember 2024", "2024-11-10");
  expect_date("1 Pebruari 1990", "1990-02-01");
  expect_date("1 Djanuari 1950", "1950-01-01");
  expect_bad_date("08/17/2024");
  expect_bad_date("31/02/2024");
}

TEST(IndonesianDateTest, MoreSpellingsAndPivot) {
  expect_date("  1 JANUARI 2000 ", "2000-01-01");
  expect_date("Jum'at, 16 Agustus 2024", "2024-08-16");
  expect_date("31 Des 1999", "1999-12-31");
  expect_date("29 Februari 2024", "2024-02-29");
  expect_date("01/01/69", "2069-01-01");
  expect_date("01/01/70", "1970-01-01");
  expect_date("3 Ags 2021", "2021-08-03");
  expect_date("3 Agust 2021", "2021-08-03");
  expect_date("3 Sept 2021", "2021-09-03");
  expect_date("3 Djuli 1945", "1945-07-03");
  expect_bad_date("29 Februari 2023");
  expect_bad_date("17 Agustos 2024");
  expect_bad_date("17/08-2024");
  expect_bad_date("17/08/202");
  expect_bad_date("Besok, 17 Agustus 2024");
  expect_bad_date("17/08/2024 extra");
  expect_bad_date("");
  expect_bad_date("2024-8-17");
}

void expect_dt(std::string_view in, std::string_view zone, std::string_view out) {
  auto r = parse_indonesian_datetime(in, zone);
  ASSERT_TRUE(r) << in << ": " << r.error().message;
  EXPECT_EQ(*r, out) << in;
}

TEST(IndonesianDateTimeTest, HeaderExamples) {
  expect_dt("17/08/2024 21.47", "WIB", "2024-08-17T21:47:00+07:00");
  expect_dt("17 Agt 2024 09:00 WIB", "", "2024-08-17T09:00:00+07:00");
  expect_dt("17/08/2024 21:47:05 WITA", "", "2024-08-17T21:47:05+08:00");
  expect_dt("17/08/2024 pukul 07.30 WIT", "", "2024-08-17T07:30:00+09:00");
  expect_dt("2024-08-17T21:47:00+07:00", "", "2024-08-17T21:47:00+07:00");
  expect_dt("17/08/2024 21.47", "", "2024-08-17T21:47:00");
  expect_dt("17/08/2024", "WIB", "2024-08-17T00:00:00+07:00");
  auto bad = parse_indonesian_datetime("17/08/2024 24.00", "WIB");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "TANGGAL_TIDAK_VALID");
}

TEST(IndonesianDateTimeTest, ZonesOffsetsAndDefaults) {
  expect_dt("17/08/2024 21.47 WITA", "WIB", "2024-08-17T21:47:00+08:00");  // text wins
  expect_dt("17/08/2024 21.47", "wita", "2024-08-17T21:47:00+08:00");
  expect_dt("17/08/2024 21.47", "+0930", "2024-08-17T21:47:00+09:30");
  expect_dt("17/08/2024 21:47 +07", "", "2024-08-17T21:47:00+07:00");
  expect_dt("2024-08-17T14:47:00.123Z", "", "2024-08-17T14:47:00+00:00");
  expect_dt("Sabtu, 17 Agustus 2024, jam 9.05 WIB", "", "2024-08-17T09:05:00+07:00");
  auto zone = parse_indonesian_datetime("17/08/2024 21.47", "CET");
  ASSERT_FALSE(zone);
  EXPECT_EQ(zone.error().code, "TANGGAL_ZONA_TIDAK_DIKENAL");
  EXPECT_FALSE(parse_indonesian_datetime("17/08/2024 21.4", ""));
  EXPECT_FALSE(parse_indonesian_datetime("17/08/2024 21.47 XYZ", ""));
  EXPECT_FALSE(parse_indonesian_datetime("2024-08-17T", ""));
  EXPECT_EQ(zone_offset("WIT"), "+09:00");
  EXPECT_EQ(zone_offset("EST"), "");
}

}  // namespace
}  // namespace simpul::mappings::domain
