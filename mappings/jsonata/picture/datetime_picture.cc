#include "mappings/jsonata/picture/datetime_picture.h"

#include <algorithm>
#include <optional>

#include "mappings/jsonata/picture/unicode.h"

namespace simpul::mappings::jsonata::picture::detail {
namespace {

constexpr std::u32string_view kComponents = U"YMDdFWwXxHhPmsfZzCE";

std::u32string_view default_presentation(char32_t component) {
  switch (component) {
    case 'F': case 'P': case 'C': case 'E': return U"n";
    case 'm': case 's': return U"01";
    case 'Z': case 'z': return U"01:01";
    default: return U"1";
  }
}

bool names_allowed(char32_t component) {
  return component == 'M' || component == 'x' || component == 'F' || component == 'P' ||
         component == 'C' || component == 'E';
}

std::optional<int> width_number(std::u32string_view text) {
  if (text == U"*") return -1;
  if (text.empty() || text.size() > 6) return std::nullopt;
  int n = 0;
  for (char32_t c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<int>(c - '0');
  }
  return n;
}

// Splits ",min-max" off a marker body at its last comma ("[Y9,999,*]" keeps
// "9,999" as its presentation); a malformed width is ignored, as the
// reference implementation does.
void split_width(std::u32string_view body, std::u32string_view& presentation, date_marker& m) {
  const auto comma = body.rfind(U',');
  if (comma == std::u32string_view::npos) return;
  presentation = body.substr(0, comma);
  const std::u32string_view width = body.substr(comma + 1);
  const auto dash = width.find(U'-');
  const auto min = width_number(width.substr(0, dash));
  std::optional<int> max = -1;
  if (dash != std::u32string_view::npos) max = width_number(width.substr(dash + 1));
  if (!min || !max) return;
  m.min_width = *min;
  m.max_width = *max;
}

std::expected<date_marker, picture_error> analyse_marker(std::u32string_view body) {
  date_marker m;
  m.component = body.front();
  if (kComponents.find(m.component) == std::u32string_view::npos) {
    std::string name;
    append_utf8(name, m.component);
    return std::unexpected(picture_error{
        "D3132", "Unknown component specifier " + name + " in date/time picture string"});
  }
  std::u32string_view presentation = body.substr(1);
  split_width(body.substr(1), presentation, m);
  if (presentation.empty()) presentation = default_presentation(m.component);
  if (presentation.size() >= 2) {
    const char32_t last = presentation.back();
    if (last == 'a' || last == 't' || last == 'c' || last == 'o') {
      m.modifier = last;
      presentation.remove_suffix(1);
    }
  }
  auto format = analyse_primary_token(presentation, true);
  if (!format) return std::unexpected(format.error());
  m.format = *format;
  if (m.format.style == integer_style::names && !names_allowed(m.component)) {
    std::string name;
    append_utf8(name, m.component);
    return std::unexpected(picture_error{
        "D3133", "The 'name' modifier can only be applied to months and days in the date/time "
                 "picture string, not " + name});
  }
  m.format.ordinal = m.modifier == 'o';
  if (m.format.style == integer_style::decimal) {
    integer_format& f = m.format;
    if (m.min_width > f.mandatory_digits) f.mandatory_digits = m.min_width;
    if (m.component == 'Y') {
      // A year given a width, or a pattern of two or more digits, shows
      // only its last digits: [Y01] and [Y,*-2] give "18" for 2018.
      if (m.max_width > 0) {
        m.year_digits = m.max_width;
      } else if (f.mandatory_digits + f.optional_digits >= 2) {
        m.year_digits = f.mandatory_digits + f.optional_digits;
      }
      if (m.year_digits > 0) {
        f.mandatory_digits = m.year_digits;
        f.optional_digits = 0;
      }
    }
  }
  return m;
}

}  // namespace

std::expected<std::vector<date_part>, picture_error> analyse_date_picture(std::string_view picture) {
  // First split literals from marker bodies (so an unclosed bracket is
  // reported before any marker's own fault), then analyse the markers.
  const std::u32string pic = decode_utf8(picture);
  std::vector<date_part> parts;
  std::vector<std::u32string> bodies;  // parallel to marker parts
  auto literal = [&](char32_t c) {
    if (parts.empty() || parts.back().is_marker) parts.push_back(date_part{});
    parts.back().literal.push_back(c);
  };
  for (std::size_t i = 0; i < pic.size(); ++i) {
    const char32_t c = pic[i];
    if ((c == '[' || c == ']') && i + 1 < pic.size() && pic[i + 1] == c) {
      literal(c);  // "[[" and "]]" stand for the bracket itself
      ++i;
      continue;
    }
    if (c != '[') {
      literal(c);
      continue;
    }
    const auto close = pic.find(U']', i + 1);
    if (close == std::u32string::npos) {
      return std::unexpected(
          picture_error{"D3135", "No matching closing bracket ']' in date/time picture string"});
    }
    std::u32string body;  // whitespace inside a marker is insignificant
    for (std::size_t k = i + 1; k < close; ++k) {
      const char32_t b = pic[k];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') body.push_back(b);
    }
    i = close;
    if (body.empty())  // "[]" names no component
      return std::unexpected(
          picture_error{"D3132", "Unknown component specifier  in date/time picture string"});
    date_part part;
    part.is_marker = true;
    parts.push_back(std::move(part));
    bodies.push_back(std::move(body));
  }
  std::size_t next_body = 0;
  for (auto& part : parts) {
    if (!part.is_marker) continue;
    auto marker = analyse_marker(bodies[next_body++]);
    if (!marker) return std::unexpected(marker.error());
    part.marker = *marker;
  }
  return parts;
}

}  // namespace simpul::mappings::jsonata::picture::detail
