#include "mappings/jsonata/picture/civil_time.h"

namespace simpul::mappings::jsonata::picture::detail {

// Era-based conversion (400-year cycles of 146097 days), shifted so the
// year starts on 1 March and leap days fall at its end.
std::int64_t days_from_civil(std::int64_t year, std::int64_t month, std::int64_t day) {
  year += floor_div(month - 1, 12);
  month = floor_mod(month - 1, 12) + 1;
  const std::int64_t y = month <= 2 ? year - 1 : year;
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (month + 9) % 12;  // March = 0
  const std::int64_t doy = (153 * mp + 2) / 5;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468 + (day - 1);
}

civil_date civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  civil_date out;
  out.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  out.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  out.year = yoe + era * 400 + (out.month <= 2 ? 1 : 0);
  return out;
}

bool is_leap_year(std::int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int iso_weekday(std::int64_t days) {
  // 1970-01-01 was a Thursday.
  return static_cast<int>(floor_mod(days + 3, 7)) + 1;
}

date_fields fields_of(std::int64_t local_millis) {
  date_fields f;
  const std::int64_t days = floor_div(local_millis, kMillisPerDay);
  const std::int64_t in_day = local_millis - days * kMillisPerDay;
  f.date = civil_from_days(days);
  f.hour = static_cast<int>(in_day / 3'600'000);
  f.minute = static_cast<int>(in_day / 60'000 % 60);
  f.second = static_cast<int>(in_day / 1000 % 60);
  f.millis = static_cast<int>(in_day % 1000);
  f.weekday = iso_weekday(days);
  f.day_of_year = static_cast<int>(days - days_from_civil(f.date.year, 1, 1) + 1);

  // A week belongs to the year and month of its Thursday.
  const std::int64_t thursday = days - (f.weekday - 1) + 3;
  const civil_date t = civil_from_days(thursday);
  f.iso_week_year = t.year;
  f.iso_week = static_cast<int>((thursday - days_from_civil(t.year, 1, 1)) / 7 + 1);
  f.month_week_year = t.year;
  f.month_of_week = t.month;
  f.week_of_month = (t.day - 1) / 7 + 1;
  return f;
}

}  // namespace simpul::mappings::jsonata::picture::detail
