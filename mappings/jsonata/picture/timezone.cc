#include "mappings/jsonata/picture/timezone.h"

#include <string>

namespace simpul::mappings::jsonata::picture::detail {

std::expected<int, picture_error> parse_offset(std::string_view timezone) {
  auto bad = [&] {
    return std::unexpected(picture_error{
        "D3110", "The timezone must be \"\u00b1HHMM\", not \"" + std::string(timezone) + "\""});
  };
  std::string_view t = timezone;
  int sign = 1;
  if (!t.empty() && (t.front() == '+' || t.front() == '-')) {
    sign = t.front() == '-' ? -1 : 1;
    t.remove_prefix(1);
  }
  std::string digits;
  for (char c : t) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ':') {
      return bad();
    }
  }
  if (digits.empty() || digits.size() > 4) return bad();
  int hours = 0, minutes = 0;
  if (digits.size() <= 2) {
    hours = std::stoi(digits);
  } else {
    hours = std::stoi(digits.substr(0, digits.size() - 2));
    minutes = std::stoi(digits.substr(digits.size() - 2));
  }
  if (minutes > 59) return bad();
  return sign * (hours * 60 + minutes);
}

}  // namespace simpul::mappings::jsonata::picture::detail
