#include "mappings/domain/civil_date.h"

#include <cstdio>

#include <gtest/gtest.h>

namespace simpul::mappings::domain {
namespace {

// iso() writes its digits by hand; it must agree with printf's "%04d-%02d-%02d".
std::string printf_iso(int y, int m, int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
  return buf;
}

TEST(CivilDateTest, IsoPadsEveryField) {
  EXPECT_EQ((civil_date{2026, 11, 21}.iso()), "2026-11-21");
  EXPECT_EQ((civil_date{5, 1, 2}.iso()), "0005-01-02");
  EXPECT_EQ((civil_date{0, 0, 0}.iso()), "0000-00-00");
  EXPECT_EQ((civil_date{9999, 12, 31}.iso()), "9999-12-31");
}

TEST(CivilDateTest, IsoMatchesPrintfIncludingOutOfRangeFields) {
  const int years[] = {0, 7, 99, 1900, 2000, 9999, 12345, -1, -2024};
  const int parts[] = {0, 1, 9, 10, 31, 99, 100, 123, -5};
  for (int y : years)
    for (int m : parts)
      for (int d : parts) EXPECT_EQ((civil_date{y, m, d}.iso()), printf_iso(y, m, d)) << y << " " << m << " " << d;
}

}  // namespace
}  // namespace simpul::mappings::domain
