#pragma once

// Proleptic Gregorian calendar arithmetic on millisecond timestamps, valid
// for dates before 1970 and far beyond 9999 (no C library time zone state).

#include <cstdint>

namespace simpul::mappings::jsonata::picture::detail {

constexpr std::int64_t kMillisPerDay = 86'400'000;

/// Floor division and modulo (the remainder takes the divisor's sign).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a % b < 0) != (b < 0)) ? 1 : 0);
}
constexpr std::int64_t floor_mod(std::int64_t a, std::int64_t b) { return a - floor_div(a, b) * b; }

/// Days since 1970-01-01 of a date; month may lie outside 1..12 and day
/// outside the month (both roll over, like Date.UTC).
std::int64_t days_from_civil(std::int64_t year, std::int64_t month, std::int64_t day);

struct civil_date {
  std::int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};
civil_date civil_from_days(std::int64_t days);

bool is_leap_year(std::int64_t year);

/// ISO weekday of a day number: Monday 1 .. Sunday 7.
int iso_weekday(std::int64_t days);

/// Every calendar field of one instant, in the offset it was computed for.
struct date_fields {
  civil_date date;
  int hour = 0, minute = 0, second = 0, millis = 0;
  int weekday = 1;      // ISO, Monday 1
  int day_of_year = 1;  // 1..366
  std::int64_t iso_week_year = 1970;
  int iso_week = 1;
  // Week of the month (weeks run Monday..Sunday and belong to the month
  // holding their Thursday) and that month.
  std::int64_t month_week_year = 1970;
  int month_of_week = 1;
  int week_of_month = 1;
};
date_fields fields_of(std::int64_t local_millis);

}  // namespace simpul::mappings::jsonata::picture::detail
