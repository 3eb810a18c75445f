#include "mappings/domain/phone.h"

#include <gtest/gtest.h>

namespace simpul::mappings::domain {
namespace {

void expect_phone(std::string_view in, std::string_view e164, std::string_view kind) {
  auto r = parse_phone(in);
  ASSERT_TRUE(r) << in << ": " << r.error().message;
  EXPECT_EQ(r->e164, e164) << in;
  EXPECT_EQ(r->kind, kind) << in;
}

void expect_bad_phone(std::string_view in, std::string_view code) {
  auto r = parse_phone(in);
  ASSERT_FALSE(r) << in << " gave " << r->e164;
  EXPECT_EQ(r.error().code, code) << in;
}

TEST(PhoneTest, HeaderExamples) {
  expect_phone("0812-2000-4417", "+6281220004417", "MOBILE");
  expect_phone("+62 857-0000-3121", "+6285700003121", "MOBILE");
  expect_phone("6281390001122", "+6281390001122", "MOBILE");
  expect_phone("0062 812 2000 4417", "+6281220004417", "MOBILE");
  expect_phone("(024) 8310000", "+62248310000", "LANDLINE");
  expect_phone("021-5550123", "+62215550123", "LANDLINE");
  expect_bad_phone("0812", "TELEPON_FORMAT");
  expect_bad_phone("0812-ABC", "TELEPON_FORMAT");
  expect_bad_phone("+65 9123 4567", "TELEPON_BUKAN_INDONESIA");
}

TEST(PhoneTest, EdgeCases) {
  expect_phone("+62 (0)812 2000 4417", "+6281220004417", "MOBILE");
  expect_phone("812.2000.4417", "+6281220004417", "MOBILE");
  expect_phone("0812345678", "+62812345678", "MOBILE");          // 10 digits, shortest
  expect_phone("0812345678901", "+62812345678901", "MOBILE");    // 13 digits, longest
  expect_phone("(0761) 123456", "+62761123456", "LANDLINE");     // Pekanbaru, 4-digit area code
  expect_bad_phone("08123456789012", "TELEPON_FORMAT");
  expect_bad_phone("081234567", "TELEPON_FORMAT");
  expect_bad_phone("0021 123", "TELEPON_BUKAN_INDONESIA");
  expect_bad_phone("112", "TELEPON_FORMAT");
  expect_bad_phone("0112345678", "TELEPON_FORMAT");
  expect_bad_phone("", "TELEPON_FORMAT");
  expect_bad_phone("+", "TELEPON_BUKAN_INDONESIA");
  expect_bad_phone("0812+2000", "TELEPON_FORMAT");
  EXPECT_EQ(normalize_phone("0812-2000-4417").value(), "+6281220004417");
}

}  // namespace
}  // namespace simpul::mappings::domain
