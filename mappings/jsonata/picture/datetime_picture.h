#pragma once

// The date/time picture of fn:format-dateTime (F&O 3.1 §9.8.4): literal text
// and [variable markers], analysed once and shared by formatting
// ($fromMillis) and parsing ($toMillis).

#include <array>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/jsonata/picture/integer_picture.h"
#include "mappings/jsonata/picture/picture.h"

namespace simpul::mappings::jsonata::picture::detail {

struct date_marker {
  char32_t component = 0;  // one of Y M D d F W w X x H h P m s f Z z C E
  integer_format format;   // style `names` for [MNn], [FN], [Pn] ...
  char32_t modifier = 0;   // second presentation modifier: 'a', 't', 'c' or 'o'
  int min_width = -1;      // -1: unspecified or '*'
  int max_width = -1;
  int year_digits = -1;  // years print modulo 10^year_digits when > 0
};

struct date_part {
  bool is_marker = false;
  std::u32string literal;
  date_marker marker;
};

std::expected<std::vector<date_part>, picture_error> analyse_date_picture(std::string_view picture);

/// The picture $fromMillis uses without one (ISO 8601, milliseconds, "Z").
inline constexpr std::string_view kIsoPicture =
    "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

inline constexpr std::array<std::string_view, 12> kMonthNames = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
inline constexpr std::array<std::string_view, 7> kDayNames = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

}  // namespace simpul::mappings::jsonata::picture::detail
