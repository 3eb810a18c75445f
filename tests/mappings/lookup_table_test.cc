#include "mappings/lookup_table.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "mappings/formats/json.h"
#include "tests/mappings/formats_domain/test_util.h"

namespace simpul::mappings {
namespace {

constexpr const char* kDistricts =
    "kode_lama;kode_kemendagri;nama\r\n"
    "SMG-01;33.74.01;Semarang Tengah\r\n"
    " smg-03 ;33.74.03;Semarang Timur\r\n"
    "KAB BDG  5;32.04.05;Cileunyi\r\n";

TEST(LookupTableTest, KeyToValueColumn) {
  lookup_options o;
  o.key_column = "kode_lama";
  o.value_column = "kode_kemendagri";
  auto t = lookup_table::load(kDistricts, o, "districts.csv");
  ASSERT_TRUE(t) << formats::to_string(t.error());
  EXPECT_EQ(t->size(), 3u);
  EXPECT_EQ(t->find_string("SMG-01"), "33.74.01");
  EXPECT_FALSE(t->find_string("smg-01"));  // exact keys unless normalised
  EXPECT_EQ(t->find_string(" smg-03 "), "33.74.03");
  EXPECT_EQ(t->find("nope"), nullptr);
}

TEST(LookupTableTest, NormalisedKeysIgnoreCaseAndSpacing) {
  lookup_options o;
  o.key_column = "kode_lama";
  o.value_column = "kode_kemendagri";
  o.normalize_keys = true;
  auto t = lookup_table::load(kDistricts, o);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->find_string("smg-01"), "33.74.01");
  EXPECT_EQ(t->find_string("SMG-03"), "33.74.03");
  EXPECT_EQ(t->find_string("kab   bdg 5 "), "32.04.05");
  EXPECT_EQ(normalize_lookup_key("  A \t B  c "), "a b c");
}

TEST(LookupTableTest, WholeRowAsObject) {
  lookup_options o;
  o.key_column = "kode_kemendagri";
  auto t = lookup_table::load(kDistricts, o);
  ASSERT_TRUE(t);
  const auto* row = t->find("33.74.03");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(formats::write_json(*row), R"({"kode_lama":" smg-03 ","kode_kemendagri":"33.74.03","nama":"Semarang Timur"})");
  EXPECT_FALSE(t->find_string("33.74.03"));  // not a string value
}

TEST(LookupTableTest, ErrorsNameTheSourceAndLine) {
  lookup_options o;
  o.key_column = "kode";
  o.value_column = "nama";
  auto dup = lookup_table::load("kode,nama\n1,a\n2,b\n1,c\n", o, "codes.csv");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, "lookup.duplicate_key");
  EXPECT_EQ(dup.error().line, 4);
  EXPECT_EQ(dup.error().message, "codes.csv:4: key '1' repeats line 2");
  auto empty = lookup_table::load("kode,nama\n,a\n", o, "codes.csv");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "lookup.empty_key");
  auto ragged = lookup_table::load("kode,nama\n1,a\n2\n", o, "codes.csv");
  ASSERT_FALSE(ragged);
  EXPECT_EQ(ragged.error().code, "csv.field_count");
  EXPECT_EQ(ragged.error().line, 3);
  EXPECT_EQ(ragged.error().message.rfind("codes.csv:3: ", 0), 0u);
  o.value_column = "missing";
  auto column = lookup_table::load("kode,nama\n1,a\n", o, "codes.csv");
  ASSERT_FALSE(column);
  EXPECT_EQ(column.error().code, "lookup.column");
}

TEST(LookupTableTest, LoadsFromFileAndReportsMissingFile) {
  test_support::temp_dir dir;
  dir.write("kanal.csv", "kode,nasional\nWA,WHATSAPP\nSMS,SMS\n");
  lookup_options o;
  o.key_column = "kode";
  o.value_column = "nasional";
  auto t = lookup_table::load_file(dir.path() / "kanal.csv", o);
  ASSERT_TRUE(t) << formats::to_string(t.error());
  EXPECT_EQ(t->find_string("WA"), "WHATSAPP");
  auto missing = lookup_table::load_file(dir.path() / "none.csv", o);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "lookup.io");
  EXPECT_NE(missing.error().message.find("none.csv"), std::string::npos);
}

TEST(LookupTableTest, ConcurrentReadersSeeTheSameValues) {
  std::string csv = "k,v\n";
  for (int i = 0; i < 1000; ++i) csv += "k" + std::to_string(i) + ",v" + std::to_string(i) + "\n";
  lookup_options o;
  o.key_column = "k";
  o.value_column = "v";
  auto t = lookup_table::load(csv, o);
  ASSERT_TRUE(t);
  const lookup_table& table = *t;
  std::vector<int> misses(4, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&table, &misses, w] {
      for (int round = 0; round < 20; ++round) {
        for (int i = 0; i < 1000; ++i) {
          if (table.find_string("k" + std::to_string(i)) != "v" + std::to_string(i)) ++misses[w];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(misses, std::vector<int>(4, 0));
}

TEST(LookupTableTest, LoadsTheSharedKecamatanTable) {
  const std::string path = test_support::spbe_dir() + "/data/kecamatan.csv";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared SPBE data not found at " << path;
  lookup_options o;
  o.key_column = "kode";
  o.value_column = "nama";
  auto t = lookup_table::load_file(path, o);
  ASSERT_TRUE(t) << formats::to_string(t.error());
  EXPECT_EQ(t->size(), 7285u);
  EXPECT_EQ(t->find_string("33.74.03"), "Semarang Timur");
}

}  // namespace
}  // namespace simpul::mappings
