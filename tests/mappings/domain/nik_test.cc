#include "mappings/domain/nik.h"

#include <gtest/gtest.h>

#include "tests/mappings/domain/region_fixture.h"

namespace simpul::mappings::domain {
namespace {

nik_options at(civil_date today, const region_table* regions = nullptr) {
  nik_options o;
  o.today = today;
  o.regions = regions;
  return o;
}

constexpr civil_date kVectorsToday{2025, 11, 1};

void expect_error(std::string_view nik, std::string_view code) {
  auto r = parse_nik(nik, at(kVectorsToday));
  ASSERT_FALSE(r) << nik;
  EXPECT_FALSE(nik_valid(nik, at(kVectorsToday))) << nik;
  EXPECT_EQ(r.error().code, code) << nik;
  EXPECT_EQ(r.error().message.find(std::string(nik)), std::string::npos) << "message repeats the NIK";
}

TEST(NikTest, HeaderExamples) {
  auto woman = parse_nik("3374036708929903", at(kVectorsToday));
  ASSERT_TRUE(woman) << woman.error().message;
  EXPECT_EQ(woman->province_code, "33");
  EXPECT_EQ(woman->regency_code, "33.74");
  EXPECT_EQ(woman->district_code, "33.74.03");
  EXPECT_EQ(woman->birth_date, "1992-08-27");
  EXPECT_EQ(woman->sex, "P");
  EXPECT_EQ(woman->serial, "9903");

  auto man = parse_nik("3374010101759904", at(kVectorsToday));
  ASSERT_TRUE(man);
  EXPECT_EQ(man->birth_date, "1975-01-01");
  EXPECT_EQ(man->sex, "L");

  auto leap = parse_nik("3374106902009905", at(kVectorsToday));
  ASSERT_TRUE(leap);
  EXPECT_EQ(leap->birth_date, "2000-02-29");
  EXPECT_EQ(leap->sex, "P");

  auto child = parse_nik("3204053112159908", at(kVectorsToday));
  ASSERT_TRUE(child);
  EXPECT_EQ(child->birth_date, "2015-12-31");

  auto spaced = parse_nik("3374 0305 0388 9906", at(kVectorsToday));
  ASSERT_TRUE(spaced);
  EXPECT_EQ(spaced->nik, "3374030503889906");

  expect_error("3374037208929903", "NIK_TANGGAL");
  expect_error("3374032902019906", "NIK_TANGGAL");
  expect_error("337403050388990", "NIK_FORMAT");
  expect_error("3,37403E+15", "NIK_FORMAT");
  expect_error("3374030503880000", "NIK_NOMOR_URUT");
}

TEST(NikTest, CenturyFollowsTheReferenceDate) {
  // Born 01-11-25: on 2025-11-01 that is a newborn, the day before it is 1925.
  EXPECT_EQ(parse_nik("3374030111259901", at({2025, 11, 1}))->birth_date, "2025-11-01");
  EXPECT_EQ(parse_nik("3374030111259901", at({2025, 10, 31}))->birth_date, "1925-11-01");
  // 29-02-00 is valid in 2000; in 1900 (not a leap year) it would not be.
  EXPECT_TRUE(parse_nik("3374032902009901", at({2025, 1, 1})));
  EXPECT_FALSE(parse_nik("3374032902009901", at({1999, 1, 1})));
  EXPECT_TRUE(parse_nik("3374030101009901"));  // default today
  EXPECT_TRUE(nik_valid("3374030111259901", at({2025, 11, 1})));
  EXPECT_TRUE(nik_valid("3374 0305 0388 9906"));
  EXPECT_FALSE(nik_valid("3374032902009901", at({1999, 1, 1})));
}

TEST(NikTest, StructuralChecks) {
  expect_error("0074030503889906", "NIK_FORMAT");
  expect_error("3300030503889906", "NIK_FORMAT");
  expect_error("3374000503889906", "NIK_FORMAT");
  expect_error("33740305038899O6", "NIK_FORMAT");
  expect_error("33740305038899061", "NIK_FORMAT");
  expect_error("3374030005889906", "NIK_TANGGAL");  // day 00
  expect_error("3374034005889906", "NIK_TANGGAL");  // day 40: neither 1-31 nor 41-71
  expect_error("3374030013889906", "NIK_TANGGAL");  // month 13
  EXPECT_EQ(parse_nik("3374034105889906", at(kVectorsToday))->birth_date, "1988-05-01");  // 41 = 1, woman
}

TEST(NikTest, RegionPrefixAgainstTables) {
  test_support::temp_dir dir;
  test_support::write_fabricated_region_tables(dir);
  auto table = region_table::load(dir.path());
  ASSERT_TRUE(table) << table.error().message;
  auto current = parse_nik("3374036708929903", at(kVectorsToday, &*table));
  ASSERT_TRUE(current);
  EXPECT_TRUE(current->warnings.empty());
  auto historic = parse_nik("9101015206799907", at(kVectorsToday, &*table));
  ASSERT_TRUE(historic);
  EXPECT_EQ(historic->warnings, std::vector<std::string>{"NIK_KODE_WILAYAH_HISTORIS"});
  auto unknown = parse_nik("9974030503889906", at(kVectorsToday, &*table));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "NIK_WILAYAH_TIDAK_DIKENAL");
  EXPECT_FALSE(nik_valid("9974030503889906", at(kVectorsToday, &*table)));
  EXPECT_TRUE(nik_valid("9101015206799907", at(kVectorsToday, &*table)));  // historic: a warning, still valid
  EXPECT_TRUE(parse_nik("9974030503889906", at(kVectorsToday)));  // no table: structure only
}

}  // namespace
}  // namespace simpul::mappings::domain
