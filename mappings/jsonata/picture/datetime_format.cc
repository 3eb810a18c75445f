// $fromMillis: formats an instant through a date/time picture in a fixed
// UTC offset.

#include <cstdlib>

#include "mappings/jsonata/picture/civil_time.h"
#include "mappings/jsonata/picture/datetime_picture.h"
#include "mappings/jsonata/picture/picture.h"
#include "mappings/jsonata/picture/timezone.h"
#include "mappings/jsonata/picture/unicode.h"

namespace simpul::mappings::jsonata::picture {
namespace {

using detail::date_fields;
using detail::date_marker;
using detail::integer_style;
using detail::letter_case;

std::string cased(std::string_view name, letter_case casing) {
  switch (casing) {
    case letter_case::upper: return detail::ascii_upper(name);
    case letter_case::lower: return detail::ascii_lower(name);
    case letter_case::title: return std::string(name);
  }
  return std::string(name);
}

std::string name_of(const date_marker& m, std::string_view name) {
  std::string out = cased(name, m.format.casing);
  if (m.max_width > 0 && static_cast<int>(out.size()) > m.max_width) out.resize(m.max_width);
  return out;
}

std::expected<std::string, picture_error> format_offset(const date_marker& m, int offset) {
  const int magnitude = std::abs(offset);
  const int hours = magnitude / 60;
  const int minutes = magnitude % 60;
  std::string text;
  if (m.format.style == integer_style::decimal && m.format.regular) {
    text = detail::format_with(hours * 100 + minutes, m.format);
  } else if (m.format.mandatory_digits <= 2) {
    text = detail::format_with(hours, m.format);
    if (minutes != 0) text += (minutes < 10 ? ":0" : ":") + std::to_string(minutes);
  } else if (m.format.mandatory_digits <= 4) {
    text = detail::format_with(hours * 100 + minutes, m.format);
  } else {
    return std::unexpected(picture_error{
        "D3134", "The timezone integer format specifier cannot have more than four digits"});
  }
  text.insert(0, offset < 0 ? "-" : "+");
  if (m.component == 'z') text.insert(0, "GMT");
  if (offset == 0 && m.modifier == 't') text = "Z";
  return text;
}

std::expected<std::string, picture_error> format_marker(const date_marker& m, const date_fields& f,
                                                        int offset) {
  const bool names = m.format.style == integer_style::names;
  double value = 0;
  switch (m.component) {
    case 'Y': value = static_cast<double>(f.date.year); break;
    case 'M':
      if (names) return name_of(m, detail::kMonthNames[f.date.month - 1]);
      value = f.date.month;
      break;
    case 'x':
      if (names) return name_of(m, detail::kMonthNames[f.month_of_week - 1]);
      value = f.month_of_week;
      break;
    case 'D': value = f.date.day; break;
    case 'd': value = f.day_of_year; break;
    case 'F':
      if (names) return name_of(m, detail::kDayNames[f.weekday - 1]);
      value = f.weekday;
      break;
    case 'W': value = f.iso_week; break;
    case 'X': value = static_cast<double>(f.iso_week_year); break;
    case 'w': value = f.week_of_month; break;
    case 'H': value = f.hour; break;
    case 'h': value = f.hour % 12 == 0 ? 12 : f.hour % 12; break;
    case 'P': {  // only [PN] shouts; [Pn] and [PNn] both give "am"
      const std::string half = f.hour < 12 ? "am" : "pm";
      return m.format.casing == letter_case::upper ? detail::ascii_upper(half) : half;
    }
    case 'm': value = f.minute; break;
    case 's': value = f.second; break;
    case 'f': value = f.millis; break;  // as an integer of milliseconds, like the reference
    case 'Z':
    case 'z': return format_offset(m, offset);
    case 'C':
    case 'E': return std::string("ISO");  // the calendar and era, whatever the case asked
    default: break;
  }
  if (m.component == 'Y' && m.year_digits > 0 && m.format.style == integer_style::decimal) {
    double modulus = 1;
    for (int i = 0; i < m.year_digits; ++i) modulus *= 10;
    value = value - modulus * static_cast<double>(static_cast<std::int64_t>(value / modulus));
  }
  return detail::format_with(value, m.format);
}

}  // namespace

std::expected<std::string, picture_error> format_datetime(std::int64_t millis,
                                                          std::optional<std::string_view> picture,
                                                          std::optional<std::string_view> timezone) {
  auto parts = detail::analyse_date_picture(picture.value_or(detail::kIsoPicture));
  if (!parts) return std::unexpected(parts.error());
  // The range of an ECMAScript Date (±100,000,000 days), which JSONata has.
  constexpr std::int64_t kMaxMillis = 8'640'000'000'000'000;
  if (millis > kMaxMillis || millis < -kMaxMillis) {
    return std::unexpected(picture_error{"D1001", "Number out of range"});
  }
  int offset = 0;
  if (timezone) {
    auto parsed = detail::parse_offset(*timezone);
    if (!parsed) return std::unexpected(parsed.error());
    offset = *parsed;
  }
  const date_fields fields = detail::fields_of(millis + std::int64_t{offset} * 60'000);
  std::string out;
  for (const auto& part : *parts) {
    if (!part.is_marker) {
      out += detail::encode_utf8(part.literal);
      continue;
    }
    auto text = format_marker(part.marker, fields, offset);
    if (!text) return std::unexpected(text.error());
    out += *text;
  }
  return out;
}

}  // namespace simpul::mappings::jsonata::picture
