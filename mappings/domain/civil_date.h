#pragma once

#include <compare>
#include <string>
#include <string_view>

namespace simpul::mappings::domain {

/// A proleptic Gregorian calendar date without time zone; the common ground
/// of NIK, NIP and the date parsers.
struct civil_date {
  int year = 0;
  int month = 0;
  int day = 0;

  auto operator<=>(const civil_date&) const = default;

  bool valid() const;
  /// "YYYY-MM-DD" (years 0000-9999).
  std::string iso() const;
  /// Today's date in UTC from the system clock.
  static civil_date today();
};

int days_in_month(int year, int month);
bool is_leap_year(int year);

/// Whole years from `from` to `to` (negative if `to` is earlier).
int years_between(const civil_date& from, const civil_date& to);

/// Value of a run of ASCII digits (no sign, at most 9 digits); -1 otherwise.
int digits_value(std::string_view digits);

/// Keeps ASCII digits and drops the separators people type into identifiers
/// (space, '.', '-'); returns empty when any other character occurs.
std::string strip_id_separators(std::string_view text);

}  // namespace simpul::mappings::domain
