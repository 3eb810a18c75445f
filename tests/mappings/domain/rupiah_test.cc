#include "mappings/domain/rupiah.h"

#include <gtest/gtest.h>

#include "mappings/formats/json.h"
#include "tests/mappings/formats_domain/test_util.h"

namespace simpul::mappings::domain {
namespace {

void expect_amount(std::string_view in, std::string_view out) {
  auto r = parse_rupiah(in);
  ASSERT_TRUE(r) << in << ": " << r.error().message;
  EXPECT_EQ(*r, out) << in;
}

void expect_bad_amount(std::string_view in, const rupiah_options& o = {}) {
  auto r = parse_rupiah(in, o);
  ASSERT_FALSE(r) << in << " gave " << *r;
  EXPECT_EQ(r.error().code, "RUPIAH_FORMAT");
}

TEST(RupiahTest, HeaderExamples) {
  expect_amount("1.234.567,89", "1234567.89");
  expect_amount("Rp 1.234.567,89", "1234567.89");
  expect_amount("Rp1.234.567", "1234567.00");
  expect_amount("96.450.000,-", "96450000.00");
  expect_amount("-", "0.00");
  expect_amount("(2.500.000,00)", "-2500000.00");
  expect_amount("-2.500.000,00", "-2500000.00");
  expect_amount("Rp -2.500.000", "-2500000.00");
  expect_amount("-Rp 2.500.000", "-2500000.00");
  expect_amount("1.234", "1234.00");
  expect_amount("1234567", "1234567.00");
  expect_amount("0,125", "0.125");
  expect_amount("Rp 2,5 M", "2500000000.00");
  expect_amount("1,2 jt", "1200000.00");
  expect_bad_amount("1,234,567.89");
  expect_bad_amount("12.5");
}

TEST(RupiahTest, PrefixesSuffixesAndExactness) {
  expect_amount("IDR 45.000.000,00", "45000000.00");
  expect_amount("45.000.000 IDR", "45000000.00");
  expect_amount("Rp. 45.000.000,00", "45000000.00");
  expect_amount("rp 7.500", "7500.00");
  expect_amount("999.999.999.999.999.999,99", "999999999999999999.99");  // beyond double precision
  expect_amount("0,00", "0.00");
  expect_amount("(0,00)", "0.00");  // no negative zero
  expect_amount("007", "7.00");
  expect_amount("3 T", "3000000000000.00");
  expect_amount("1,23456 M", "1234560000.00");
  expect_amount("750 rb", "750000.00");
  rupiah_options strict;
  strict.allow_abbreviations = false;
  expect_bad_amount("2,5 M", strict);
  expect_bad_amount("");
  expect_bad_amount("Rp");
  expect_bad_amount("1.23");
  expect_bad_amount("1234.567");   // grouping must start within 3 digits
  expect_bad_amount(".123");
  expect_bad_amount("1,");
  expect_bad_amount("1 234");
  expect_bad_amount("12 kg");
  expect_bad_amount("1.234,5,6");
}

TEST(RupiahTest, FormatsBack) {
  EXPECT_EQ(format_rupiah("1234567.89").value(), "Rp 1.234.567,89");
  EXPECT_EQ(format_rupiah("-2500000").value(), "-Rp 2.500.000,00");
  EXPECT_EQ(format_rupiah("0.5").value(), "Rp 0,50");
  EXPECT_EQ(format_rupiah("100.100").value(), "Rp 100,10");
  EXPECT_FALSE(format_rupiah("0.125"));
  EXPECT_FALSE(format_rupiah("1e5"));
  EXPECT_FALSE(format_rupiah(".5"));
  for (const char* v : {"1234567.89", "-5.00", "1000.00"}) {
    auto text = format_rupiah(v);
    ASSERT_TRUE(text);
    auto back = parse_rupiah(*text);
    ASSERT_TRUE(back) << *text;
    EXPECT_EQ(format_rupiah(*back).value(), *text);
  }
}

TEST(RupiahTest, SharedBudgetVectors) {
  const std::string path = test_support::spbe_dir() + "/samples/budget/ebudgeting_edgecases.expected.json";
  const auto text = test_support::read_text_file(path);
  if (!text) GTEST_SKIP() << "shared SPBE sample not found at " << path;
  auto doc = formats::parse_json(*text);
  ASSERT_TRUE(doc);
  int checked = 0;
  for (const auto& v : (*doc)["nilai_rupiah"].GetArray()) {
    const std::string in = v["masukan"].GetString();
    auto r = parse_rupiah(in);
    if (v["keluaran"].IsNull()) {
      EXPECT_FALSE(r) << in << " should be refused";
    } else {
      ASSERT_TRUE(r) << in << ": " << r.error().message;
      EXPECT_EQ(*r, v["keluaran"].GetString()) << in;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 14);
}

}  // namespace
}  // namespace simpul::mappings::domain
