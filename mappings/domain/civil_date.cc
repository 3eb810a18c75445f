#include "mappings/domain/civil_date.h"

#include <chrono>
#include <cstdio>

namespace simpul::mappings::domain {

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

bool civil_date::valid() const {
  return year >= 0 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

namespace {

// Writes `v` (0 <= v < 10^width) as `width` digits, zero padded, backwards from `end`.
void put_digits(char* end, int v, int width) {
  for (int i = 0; i < width; ++i, v /= 10) *--end = static_cast<char>('0' + v % 10);
}

}  // namespace

std::string civil_date::iso() const {
  // "%04d-%02d-%02d" of the fields taken modulo their width, as before, but
  // without printf (this runs per date field of every mapped message)
  int y = year % 10000, m = month % 100, d = day % 100;
  if (y < 0 || m < 0 || d < 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return buf;
  }
  std::string out(10, '-');
  put_digits(out.data() + 4, y, 4);
  put_digits(out.data() + 7, m, 2);
  put_digits(out.data() + 10, d, 2);
  return out;
}

civil_date civil_date::today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{now};
  return civil_date{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                    static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

int years_between(const civil_date& from, const civil_date& to) {
  int years = to.year - from.year;
  if (to.month < from.month || (to.month == from.month && to.day < from.day)) --years;
  return years;
}

int digits_value(std::string_view digits) {
  if (digits.empty() || digits.size() > 9) return -1;
  int v = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::string strip_id_separators(std::string_view text) {
  std::string out;
  out.reserve(text.size());  // one allocation at most (a 16-digit NIK outgrows the inline buffer)
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      out.push_back(c);
    } else if (c != ' ' && c != '.' && c != '-' && c != '\t') {
      return {};
    }
  }
  return out;
}

}  // namespace simpul::mappings::domain
