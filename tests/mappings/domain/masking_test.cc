#include "mappings/domain/masking.h"

#include <gtest/gtest.h>

namespace simpul::mappings::domain {
namespace {

TEST(MaskingTest, HeaderExamples) {
  EXPECT_EQ(mask_nik("3374036708929903"), "3374********9903");
  EXPECT_EQ(mask_nik("3374 0305 0388 9906"), "3374********9906");
  EXPECT_EQ(mask_nik("12345"), "*****");
  EXPECT_EQ(mask_phone("0812-2000-4417"), "+62812*****417");
  EXPECT_EQ(mask_phone("+6285700003121"), "+62857*****121");
  EXPECT_EQ(mask_phone("(024) 8310000"), "+62248***000");
  EXPECT_EQ(mask_phone("not a phone"), "***********");
  EXPECT_EQ(mask_email("rina.puspitasari@example.com"), "r***@example.com");
  EXPECT_EQ(mask_email("x@y.id"), "x***@y.id");
  EXPECT_EQ(mask_email("no-at-sign"), "***");
  EXPECT_EQ(mask_name("Rina Puspitasari"), "R*** P***");
  EXPECT_EQ(mask_name("Siti Nur Aisyah"), "S*** N*** A***");
  EXPECT_EQ(mask_name("  \xC3\x89lodie  "), "\xC3\x89***");
}

TEST(MaskingTest, NothingLeaksFromOddInput) {
  EXPECT_EQ(mask_email("@example.com"), "***");
  EXPECT_EQ(mask_name(""), "");
  EXPECT_EQ(mask_nik("3,37403E+15"), "***********");
  EXPECT_EQ(mask_phone("+65 9123 4567"), "*************");  // foreign numbers are hidden entirely
  // the masked forms never contain the hidden middle digits
  EXPECT_EQ(mask_nik("3374036708929903").find("670892"), std::string::npos);
  EXPECT_EQ(mask_name("\xE2\x82"), "\xE2\x82***");  // truncated UTF-8 does not overrun
}

}  // namespace
}  // namespace simpul::mappings::domain
