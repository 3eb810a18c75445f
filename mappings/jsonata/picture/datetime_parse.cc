// $toMillis with a picture: the picture's parts are matched against the
// text with backtracking (a marker can usually match several lengths), then
// the components found are completed and turned into an instant.

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include "mappings/jsonata/picture/civil_time.h"
#include "mappings/jsonata/picture/datetime_picture.h"
#include "mappings/jsonata/picture/iso8601.h"
#include "mappings/jsonata/picture/picture.h"
#include "mappings/jsonata/picture/unicode.h"

namespace simpul::mappings::jsonata::picture {
namespace {

using detail::date_marker;
using detail::date_part;
using detail::integer_match;
using detail::integer_style;

enum slot { kY, kM, kD, kd, kP, kh, kH, km, ks, kf, kX, kW, kw, kx, kSlots };

int slot_of(char32_t component) {
  switch (component) {
    case 'Y': return kY;
    case 'M': return kM;
    case 'D': return kD;
    case 'd': return kd;
    case 'P': return kP;
    case 'h': return kh;
    case 'H': return kH;
    case 'm': return km;
    case 's': return ks;
    case 'f': return kf;
    case 'X': return kX;
    case 'W': return kW;
    case 'w': return kw;
    case 'x': return kx;
    default: return -1;  // F, C, E: read but not needed
  }
}

picture_error missing_specifiers() {
  return {"D3136", "The date/time picture string is missing specifiers required to parse the "
                   "timestamp"};
}

bool starts_with_folded(std::u32string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (detail::ascii_lower(text[i]) != detail::ascii_lower(static_cast<unsigned char>(word[i]))) {
      return false;
    }
  }
  return true;
}

template <std::size_t N>
std::vector<integer_match> match_names(const std::array<std::string_view, N>& names,
                                       const date_marker& m, std::u32string_view text) {
  std::vector<integer_match> found;
  for (std::size_t i = 0; i < N; ++i) {
    std::string_view name = names[i];
    if (m.max_width > 0 && static_cast<int>(name.size()) > m.max_width) {
      name = name.substr(0, m.max_width);
    }
    if (starts_with_folded(text, name)) found.push_back({name.size(), static_cast<double>(i + 1)});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.length > b.length; });
  return found;
}

std::vector<integer_match> match_fraction(const date_marker& m, std::u32string_view text) {
  const char32_t zero = m.format.zero;
  std::size_t run = 0;
  while (run < text.size() && text[run] >= zero && text[run] <= zero + 9) ++run;
  std::vector<integer_match> found;
  for (std::size_t len = run; len > 0; --len) {
    double millis = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      millis = millis * 10 + (k < len ? static_cast<double>(text[k] - zero) : 0);
    }
    found.push_back({len, millis});
  }
  return found;
}

int digits_at(std::u32string_view text, std::size_t pos, std::size_t max, int& value) {
  std::size_t n = 0;
  value = 0;
  while (pos + n < text.size() && n < max && text[pos + n] >= '0' && text[pos + n] <= '9') {
    value = value * 10 + static_cast<int>(text[pos + n] - '0');
    ++n;
  }
  return static_cast<int>(n);
}

// Offsets in minutes: "Z", "±H", "±HH", "±HH:MM" or "±HHMM" as the marker's
// presentation asks; [z] wants "GMT" first.
std::vector<integer_match> match_offset(const date_marker& m, std::u32string_view text) {
  std::vector<integer_match> found;
  std::size_t pos = 0;
  if (m.component == 'z') {
    if (!starts_with_folded(text, "GMT")) return found;
    pos = 3;
  }
  if (pos < text.size() && text[pos] == 'Z') found.push_back({pos + 1, 0});
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return found;
  const int sign = text[pos] == '-' ? -1 : 1;
  ++pos;
  const auto& f = m.format;
  int value = 0;
  if (f.style == integer_style::decimal && !f.regular && f.mandatory_digits > 2) {
    const int n = digits_at(text, pos, 4, value);
    if (n >= 3) found.push_back({pos + n, sign * static_cast<double>(value / 100 * 60 + value % 100)});
    return found;
  }
  const int hn = digits_at(text, pos, 2, value);
  if (hn == 0) return found;
  const int hours = value;
  const std::size_t after_hours = pos + hn;
  const char32_t sep = f.regular ? f.group_separator : U':';
  int minutes = 0;
  if (after_hours < text.size() && text[after_hours] == sep &&
      digits_at(text, after_hours + 1, 2, minutes) == 2) {
    found.push_back({after_hours + 3, sign * static_cast<double>(hours * 60 + minutes)});
  }
  if (!f.regular) found.push_back({after_hours, sign * static_cast<double>(hours * 60)});
  return found;
}

class matcher {
 public:
  matcher(const std::vector<date_part>& parts, std::u32string_view text)
      : parts_(parts), text_(text) {}

  bool run() { return from(0, 0); }
  const std::array<std::optional<double>, kSlots>& values() const { return values_; }
  int offset() const { return offset_; }

 private:
  static constexpr int kMaxSteps = 100'000;  // bounds backtracking on hostile input

  // A number directly followed by another marker ("[Y0001][M01]") has no
  // delimiter, so it reads exactly as many digits as its pattern shows, or
  // up to its maximum width when one is given.
  std::pair<int, int> digit_bounds(std::size_t index) const {
    const date_marker& m = parts_[index].marker;
    const bool followed_by_marker = index + 1 < parts_.size() && parts_[index + 1].is_marker;
    if (m.max_width > 0) return {m.max_width, 0};
    if (!followed_by_marker) return {0, 0};
    const int width = m.format.mandatory_digits + m.format.optional_digits;
    return {width, width};
  }

  std::vector<integer_match> candidates(std::size_t index, std::u32string_view rest) const {
    const date_marker& m = parts_[index].marker;
    const bool names = m.format.style == integer_style::names;
    switch (m.component) {
      case 'M':
      case 'x':
        if (names) return match_names(detail::kMonthNames, m, rest);
        break;
      case 'F':
        if (names) return match_names(detail::kDayNames, m, rest);
        break;
      case 'P': {
        static constexpr std::array<std::string_view, 2> kHalves = {"am", "pm"};
        auto found = match_names(kHalves, m, rest);
        for (auto& c : found) c.value -= 1;  // am 0, pm 1
        return found;
      }
      case 'f': return match_fraction(m, rest);
      case 'Z':
      case 'z': return match_offset(m, rest);
      default: break;
    }
    const auto [max_digits, min_digits] = digit_bounds(index);
    return detail::match_integer(m.format, rest, max_digits, min_digits);
  }

  bool from(std::size_t index, std::size_t pos) {
    if (++steps_ > kMaxSteps) return false;
    if (index == parts_.size()) return pos == text_.size();
    const date_part& part = parts_[index];
    const std::u32string_view rest = text_.substr(pos);
    if (!part.is_marker) {
      if (!rest.starts_with(part.literal)) return false;
      return from(index + 1, pos + part.literal.size());
    }
    const int slot = slot_of(part.marker.component);
    const bool is_offset = part.marker.component == 'Z' || part.marker.component == 'z';
    for (const auto& c : candidates(index, rest)) {
      const auto saved_values = values_;
      const int saved_offset = offset_;
      if (slot >= 0) values_[slot] = c.value;
      if (is_offset) offset_ = static_cast<int>(c.value);
      if (from(index + 1, pos + c.length)) return true;
      values_ = saved_values;
      offset_ = saved_offset;
    }
    return false;
  }

  const std::vector<date_part>& parts_;
  std::u32string_view text_;
  std::array<std::optional<double>, kSlots> values_{};
  int offset_ = 0;
  int steps_ = 0;
};

std::int64_t system_now_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Completes the components: the ones before the first given come from
// `now`, the ones after the last given take their least value; a gap in the
// middle cannot be filled sensibly.
std::expected<std::optional<std::int64_t>, picture_error> assemble(std::array<std::optional<double>, kSlots> v,
                                                    int offset, std::int64_t now) {
  auto has = [&](int s) { return v[s].has_value(); };
  std::vector<int> sequence;
  const bool ordinal_date = has(kd);
  if (ordinal_date) {
    if (has(kM) || has(kD)) return std::unexpected(missing_specifiers());
    sequence = {kY, kd};
  } else if (!has(kM) && !has(kD) && (has(kX) || has(kW) || has(kw) || has(kx))) {
    return std::unexpected(missing_specifiers());  // week dates are not read (as the reference)
  } else {
    sequence = {kY, kM, kD};
  }
  const bool twelve_hour = has(kh) || has(kP);
  if (twelve_hour) {
    sequence.insert(sequence.end(), {kP, kh, km, ks, kf});
  } else {
    sequence.insert(sequence.end(), {kH, km, ks, kf});
  }
  int first = -1, last = -1;
  for (int i = 0; i < static_cast<int>(sequence.size()); ++i) {
    if (has(sequence[i])) {
      if (first < 0) first = i;
      last = i;
    }
  }
  for (int i = first + 1; first >= 0 && i < last; ++i) {
    if (!has(sequence[i])) return std::unexpected(missing_specifiers());
  }
  const detail::date_fields current = detail::fields_of(now);
  for (int i = 0; i < static_cast<int>(sequence.size()); ++i) {
    const int s = sequence[i];
    if (has(s)) continue;
    const bool leading = first < 0 || i < first;
    double value = 0;
    switch (s) {
      case kY: value = static_cast<double>(current.date.year); break;
      case kM: value = leading ? current.date.month : 1; break;
      case kD: value = leading ? current.date.day : 1; break;
      case kd: value = leading ? current.day_of_year : 1; break;
      case kH: value = leading ? current.hour : 0; break;
      case km: value = leading ? current.minute : 0; break;
      case ks: value = leading ? current.second : 0; break;
      case kf: value = leading ? current.millis : 0; break;
      default: value = 0; break;  // P: am; h: 12 o'clock
    }
    v[s] = value;
  }
  for (const auto& value : v) {  // e.g. a year in words beyond any calendar
    if (value && !(std::fabs(*value) < 1e9)) return std::optional<std::int64_t>();
  }
  auto whole = [&](int s) { return static_cast<std::int64_t>(std::llround(*v[s])); };
  // JSONata builds the instant with Date.UTC, which reads years 0..99 as
  // 1900..1999; do the same so "[Y01]" texts give the reference's answer.
  if (*v[kY] >= 0 && *v[kY] <= 99) *v[kY] += 1900;
  const std::int64_t days = ordinal_date
                                ? detail::days_from_civil(whole(kY), 1, 1) + whole(kd) - 1
                                : detail::days_from_civil(whole(kY), whole(kM), whole(kD));
  const std::int64_t hour = twelve_hour ? whole(kh) % 12 + 12 * whole(kP) : whole(kH);
  return days * detail::kMillisPerDay + hour * 3'600'000 + whole(km) * 60'000 +
         whole(ks) * 1000 + whole(kf) - std::int64_t{offset} * 60'000;
}

}  // namespace

std::expected<std::optional<std::int64_t>, picture_error> parse_datetime(
    std::string_view text, std::optional<std::string_view> picture,
    std::optional<std::int64_t> now_millis) {
  if (!picture) {
    auto millis = detail::parse_iso8601(text);
    if (!millis) return std::unexpected(millis.error());
    return std::optional<std::int64_t>(*millis);
  }
  auto parts = detail::analyse_date_picture(*picture);
  if (!parts) return std::unexpected(parts.error());
  bool any_marker = false;
  for (const auto& part : *parts) {
    if (!part.is_marker) continue;
    any_marker = true;
    const char32_t c = part.marker.component;
    if ((c == 'C' || c == 'E') && part.marker.format.style == integer_style::names) {
      std::string name;
      detail::append_utf8(name, c);
      return std::unexpected(picture_error{
          "D3133", "The 'name' modifier can only be applied to months and days in the date/time "
                   "picture string, not " + name});
    }
  }
  if (!any_marker) return std::optional<std::int64_t>();
  const std::u32string input = detail::decode_utf8(text);
  matcher m(*parts, input);
  if (!m.run()) return std::optional<std::int64_t>();
  auto millis = assemble(m.values(), m.offset(), now_millis.value_or(system_now_millis()));
  if (!millis) return std::unexpected(millis.error());
  return *millis;
}

}  // namespace simpul::mappings::jsonata::picture
