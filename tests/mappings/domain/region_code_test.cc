#include "mappings/domain/region_code.h"
#include "mappings/domain/region_table.h"

#include <gtest/gtest.h>

#include "tests/mappings/domain/region_fixture.h"

namespace simpul::mappings::domain {
namespace {

void expect_code(std::string_view in, std::string_view out) {
  auto r = normalize_region_code(in);
  ASSERT_TRUE(r) << in << ": " << r.error().message;
  EXPECT_EQ(*r, out);
}

void expect_bad_code(std::string_view in) {
  auto r = normalize_region_code(in);
  ASSERT_FALSE(r) << in << " gave " << *r;
  EXPECT_EQ(r.error().code, "WILAYAH_FORMAT");
}

TEST(RegionCodeTest, HeaderExamples) {
  expect_code("32", "32");
  expect_code("3204", "32.04");
  expect_code("32.04", "32.04");
  expect_code("320405", "32.04.05");
  expect_code("32.04.05", "32.04.05");
  expect_code("3204052001", "32.04.05.2001");
  expect_code("32.04.05.2001", "32.04.05.2001");
  expect_code(" 33.74.03 ", "33.74.03");
  expect_bad_code("32.4.5.2001");
  expect_bad_code("3374110");
  expect_bad_code("02");
  expect_bad_code("32.00");
  expect_bad_code("32.04.05.4001");
}

TEST(RegionCodeTest, MoreMalformedCodes) {
  for (const char* bad : {"", "3", "320", "32.04.05.2001.1", "32..04", "32.04.", "3a.04", "32 04", "32040520011",
                          "10", "32.04.00", "32.04.05.0000"}) {
    expect_bad_code(bad);
  }
}

TEST(RegionCodeTest, Levels) {
  EXPECT_EQ(region_level("33"), "PROVINSI");
  EXPECT_EQ(region_level("33.22"), "KABUPATEN");
  EXPECT_EQ(region_level("33.74"), "KOTA");
  EXPECT_EQ(region_level("33.74.03"), "KECAMATAN");
  EXPECT_EQ(region_level("33.74.03.1001"), "KELURAHAN");
  EXPECT_EQ(region_level("32.04.05.2001"), "DESA");
  EXPECT_EQ(region_level("51.03.05.3001"), "DESA_ADAT");
  EXPECT_EQ(region_level("3374"), "");
}

TEST(RegionTableTest, FabricatedTables) {
  test_support::temp_dir dir;
  test_support::write_fabricated_region_tables(dir);
  auto t = region_table::load(dir.path());
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_FALSE(t->has_villages());

  auto city = t->check("3374");
  ASSERT_TRUE(city) << city.error().message;
  EXPECT_EQ(city->code, "33.74");
  EXPECT_EQ(city->level, "KOTA");
  EXPECT_EQ(city->name, "Kota Semarang");
  EXPECT_TRUE(city->active);
  EXPECT_TRUE(city->warnings.empty());

  auto old = t->check("91.01");
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->active);
  EXPECT_EQ(old->name, "KAB. MERAUKE");
  EXPECT_EQ(old->warnings, std::vector<std::string>{"WILAYAH_HISTORIS"});

  auto unknown = t->check("33.74.99");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "WILAYAH_TIDAK_DIKENAL");

  auto village = t->check("3374031001");
  ASSERT_TRUE(village);
  EXPECT_EQ(village->code, "33.74.03.1001");
  EXPECT_EQ(village->level, "KELURAHAN");
  EXPECT_EQ(village->name, "");
  EXPECT_EQ(village->warnings, std::vector<std::string>{"WILAYAH_DESA_TIDAK_DICEK"});
  EXPECT_FALSE(t->check("3374991001"));  // its kecamatan does not exist

  EXPECT_EQ(t->check("32.4.5").error().code, "WILAYAH_FORMAT");
  EXPECT_FALSE(t->from_bps("3374"));  // no bridge file here
}

TEST(RegionTableTest, VillageTableWhenPresent) {
  test_support::temp_dir dir;
  test_support::write_fabricated_region_tables(dir);
  dir.write("desa_kelurahan.csv", "kode,nama\n33.74.03.1001,Kemijen\n");
  auto t = region_table::load(dir.path());
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->has_villages());
  auto v = t->check("33.74.03.1001");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->name, "Kemijen");
  EXPECT_TRUE(v->warnings.empty());
  EXPECT_EQ(t->check("33.74.03.1002").error().code, "WILAYAH_TIDAK_DIKENAL");
}

TEST(RegionTableTest, LoadErrorsNameFileAndLine) {
  test_support::temp_dir dir;
  auto missing = region_table::load(dir.path());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "WILAYAH_TABEL");
  EXPECT_NE(missing.error().message.find("provinsi.csv"), std::string::npos);

  test_support::write_fabricated_region_tables(dir);
  dir.write("kecamatan.csv", "kode,kode_kabupaten_kota,nama\n33.74.01,33.74,A\n33.7.01,33.74,B\n");
  auto bad_code = region_table::load(dir.path());
  ASSERT_FALSE(bad_code);
  EXPECT_EQ(bad_code.error().message.rfind("kecamatan.csv:3: ", 0), 0u) << bad_code.error().message;

  dir.write("kecamatan.csv", "kode,nama_x\n33.74.01,A\n");
  auto bad_header = region_table::load(dir.path());
  ASSERT_FALSE(bad_header);
  EXPECT_NE(bad_header.error().message.find("missing column 'nama'"), std::string::npos);
}

TEST(RegionTableTest, SharedKemendagriTables) {
  auto t = test_support::shared_region_table();
  if (!t) GTEST_SKIP() << "shared SPBE data not found in " << test_support::spbe_dir() << "/data";
  EXPECT_EQ(t->check("33.74")->name, "Kota Semarang");
  EXPECT_EQ(t->check("32.04")->name, "Kabupaten Bandung");
  EXPECT_EQ(t->check("94")->name, "Papua Tengah");
  EXPECT_EQ(t->check("320405")->level, "KECAMATAN");
  auto merauke = t->check("91.01");
  ASSERT_TRUE(merauke);
  EXPECT_FALSE(merauke->active);
  EXPECT_EQ(t->check("33.74.99").error().code, "WILAYAH_TIDAK_DIKENAL");
  EXPECT_EQ(t->from_bps("1201"), "12.04");  // Kab. Nias
  EXPECT_EQ(t->from_bps("94"), "91");       // BPS Papua (2018) = Kemendagri 91
}

}  // namespace
}  // namespace simpul::mappings::domain
