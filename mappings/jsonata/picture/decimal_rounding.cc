#include "mappings/jsonata/picture/decimal_rounding.h"

#include <charconv>

namespace simpul::mappings::jsonata::picture::detail {

void round_decimal(double v, int places, std::string& integer, std::string& fraction) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string text(buf, ec == std::errc{} ? end : buf);
  const auto e_at = text.find('e');
  std::string digits;
  for (std::size_t i = 0; i < e_at; ++i) {
    if (text[i] != '.') digits.push_back(text[i]);
  }
  int exp10 = 0;
  const char* exp_begin = text.data() + e_at + 1;
  if (*exp_begin == '+') ++exp_begin;
  std::from_chars(exp_begin, text.data() + text.size(), exp10);
  const int point = exp10 + 1;  // digits before the point
  std::string all;  // integer digits then fraction digits
  int int_len = point;
  if (point <= 0) {
    all = std::string(1 - point, '0') + digits;  // "0" then leading fraction zeros
    int_len = 1;
  } else {
    all = digits;
    if (static_cast<int>(all.size()) < point) all.append(point - all.size(), '0');
  }
  const std::size_t keep = static_cast<std::size_t>(int_len + places);
  if (all.size() < keep) all.append(keep - all.size(), '0');
  bool up = false;
  if (all.size() > keep) {
    const char next = all[keep];
    bool rest_nonzero = false;
    for (std::size_t i = keep + 1; i < all.size(); ++i) rest_nonzero = rest_nonzero || all[i] != '0';
    const bool last_odd = keep > 0 && ((all[keep - 1] - '0') % 2 == 1);
    up = next > '5' || (next == '5' && (rest_nonzero || last_odd));
  }
  all.resize(keep);
  if (up) {
    int i = static_cast<int>(keep) - 1;
    for (; i >= 0; --i) {
      if (all[i] == '9') {
        all[i] = '0';
      } else {
        ++all[i];
        break;
      }
    }
    if (i < 0) {
      all.insert(all.begin(), '1');
      ++int_len;
    }
  }
  integer = all.substr(0, int_len);
  fraction = all.substr(int_len);
  // Beyond the digits the double really holds, JSONata (toFixed) prints the
  // exact binary expansion of the rounded number, not zeros: 0.1 with 22
  // places is 0.1000000000000000055511. Below 1e21, where toFixed is plain.
  if (all.size() > 15) {
    const std::string decimal = integer + "." + fraction;
    double rounded = 0;
    std::from_chars(decimal.data(), decimal.data() + decimal.size(), rounded);
    if (rounded < 1e21) {
      char exact[512];
      auto [stop, err] =
          std::to_chars(exact, exact + sizeof exact, rounded, std::chars_format::fixed, places);
      if (err == std::errc{}) {
        const std::string text_fixed(exact, stop);
        const auto point_at = text_fixed.find('.');
        integer = text_fixed.substr(0, point_at);
        fraction = point_at == std::string::npos ? "" : text_fixed.substr(point_at + 1);
      }
    }
  }
}

}  // namespace simpul::mappings::jsonata::picture::detail
