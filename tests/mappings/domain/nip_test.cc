#include "mappings/domain/nip.h"

#include <gtest/gtest.h>

namespace simpul::mappings::domain {
namespace {

void expect_error(std::string_view nip, std::string_view code) {
  auto r = parse_nip(nip);
  ASSERT_FALSE(r) << nip;
  EXPECT_EQ(r.error().code, code) << nip;
}

TEST(NipTest, HeaderExamples) {
  auto a = parse_nip("19810414 200603 1 004");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->nip, "198104142006031004");
  EXPECT_EQ(a->birth_date, "1981-04-14");
  EXPECT_EQ(a->tmt, "2006-03");
  EXPECT_EQ(a->sex, "L");
  EXPECT_EQ(a->serial, "004");
  EXPECT_TRUE(a->warnings.empty());

  auto b = parse_nip("199011052015032011");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->birth_date, "1990-11-05");
  EXPECT_EQ(b->tmt, "2015-03");
  EXPECT_EQ(b->sex, "P");
  EXPECT_EQ(b->serial, "011");

  auto young = parse_nip("199011052005032011");
  ASSERT_TRUE(young);
  EXPECT_EQ(young->warnings, std::vector<std::string>{"NIP_UMUR_TMT_TIDAK_WAJAR"});

  expect_error("199011052015133011", "NIP_TMT");
  expect_error("199011052015033011", "NIP_JENIS_KELAMIN");
  expect_error("19901105201503201", "NIP_FORMAT");
}

TEST(NipTest, MoreChecks) {
  expect_error("199002302015032011", "NIP_TANGGAL_LAHIR");  // 30 February
  expect_error("189011052015032011", "NIP_TANGGAL_LAHIR");
  expect_error("199011052015002011", "NIP_TMT");
  expect_error("199011052015032000", "NIP_NOMOR_URUT");
  expect_error("1990-11-05 2015-03 2 01A", "NIP_FORMAT");
  EXPECT_TRUE(parse_nip("1990.1105.2015.03.2.011"));
  // 18th birthday exactly in the TMT month counts as 18.
  EXPECT_TRUE(parse_nip("200003012018031001")->warnings.empty());
  EXPECT_FALSE(parse_nip("200003022018031001")->warnings.empty());
  // TMT before birth is also flagged.
  EXPECT_FALSE(parse_nip("199011051985032011")->warnings.empty());
}

}  // namespace
}  // namespace simpul::mappings::domain
