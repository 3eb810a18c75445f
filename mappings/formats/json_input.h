#pragma once

#include <charconv>
#include <cstddef>
#include <optional>
#include <string_view>

namespace simpul::mappings::formats {

/// Length of a leading UTF-8 byte-order mark, dropped the way RapidJSON's
/// UTF-8 stream drops it: 0xEF, then 0xBB, then 0xBF, each if present.
/// Readers skip it and still count offsets from the first byte.
inline std::size_t json_bom_length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char b : {0xEFu, 0xBBu, 0xBFu}) {
    if (n < text.size() && static_cast<unsigned char>(text[n]) == b) ++n;
  }
  return n;
}

/// A JSON number's text (its grammar already checked by the reader) as the
/// nearest double; nothing when it is too large for one (a value too small
/// for one is ±0, as a parser rounds it).
///
/// Why not RapidJSON's kParseFullPrecisionFlag: in RapidJSON 1.1.0 (Debian
/// 12) a long mantissa with a large negative exponent
/// (`33.3333333333333333333333333334E-334`) makes its big-integer path
/// shift by a negative amount and crash, or return a wrong value; one such
/// number in a message body took the hub down. std::from_chars rounds
/// correctly, like the full-precision path was meant to.
inline std::optional<double> json_number_to_double(std::string_view s) {
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec == std::errc() && end == s.data() + s.size()) return d;
  if (ec != std::errc::result_out_of_range) return std::nullopt;
  // Out of range: too large, or too small. Compare the decimal exponent of
  // the first significant digit with zero (|value| > 1e308 or < 1e-308).
  const bool neg = !s.empty() && s.front() == '-';
  std::string_view body = neg ? s.substr(1) : s;
  const auto e = body.find_first_of("eE");
  std::string_view mant = body.substr(0, e);
  long long exp10 = 0;
  if (e != std::string_view::npos) {
    std::string_view x = body.substr(e + 1);
    bool xneg = !x.empty() && x.front() == '-';
    if (!x.empty() && (x.front() == '-' || x.front() == '+')) x.remove_prefix(1);
    for (char c : x) exp10 = exp10 < 1'000'000'000 ? exp10 * 10 + (c - '0') : exp10;  // saturates
    if (xneg) exp10 = -exp10;
  }
  const auto dot = mant.find('.');
  std::string_view ipart = mant.substr(0, dot);
  std::string_view fpart = dot == std::string_view::npos ? std::string_view{} : mant.substr(dot + 1);
  long long lead = 0;
  if (auto nz = ipart.find_first_not_of('0'); nz != std::string_view::npos) {
    lead = static_cast<long long>(ipart.size() - nz) - 1;
  } else if (auto fz = fpart.find_first_not_of('0'); fz != std::string_view::npos) {
    lead = -static_cast<long long>(fz) - 1;
  } else {
    return neg ? -0.0 : 0.0;
  }
  if (exp10 + lead > 0) return std::nullopt;
  return neg ? -0.0 : 0.0;
}

}  // namespace simpul::mappings::formats
