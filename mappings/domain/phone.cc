#include "mappings/domain/phone.h"

namespace simpul::mappings::domain {

domain_result<phone_info> parse_phone(std::string_view text) {
  std::string digits;
  bool plus = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')' && c != '\t') {
      return make_domain_error("TELEPON_FORMAT", "a phone number holds digits, spaces, '-', '.', '(', ')' and a leading '+'");
    }
  }
  std::string national;  // without the trunk 0 or the country code
  if (plus || digits.starts_with("00")) {
    const std::string_view intl = plus ? std::string_view(digits) : std::string_view(digits).substr(2);
    if (!intl.starts_with("62")) {
      return make_domain_error("TELEPON_BUKAN_INDONESIA", "country code is not +62");
    }
    national = intl.substr(2);
    if (national.starts_with('0')) national.erase(0, 1);  // "+62 (0)812..."
  } else if (digits.starts_with('0')) {
    national = digits.substr(1);
  } else if (digits.starts_with("62") && digits.size() >= 10) {
    national = digits.substr(2);
  } else if (digits.starts_with('8')) {
    national = digits;  // trunk 0 dropped by a spreadsheet
  } else {
    return make_domain_error("TELEPON_FORMAT", "expected 08..., 0 + area code, 62... or +62...");
  }
  phone_info info;
  if (national.starts_with('8')) {
    if (national.size() < 9 || national.size() > 12) {
      return make_domain_error("TELEPON_FORMAT", "a mobile number has 10-13 digits including the leading 0");
    }
    info.kind = "MOBILE";
  } else if (!national.empty() && national[0] >= '2' && national[0] <= '7') {
    if (national.size() < 8 || national.size() > 11) {
      return make_domain_error("TELEPON_FORMAT", "a landline has 9-12 digits including the area code's 0");
    }
    info.kind = "LANDLINE";
  } else {
    return make_domain_error("TELEPON_FORMAT", "expected a mobile (08...) or area-code number");
  }
  info.e164 = "+62" + national;
  return info;
}

domain_result<std::string> normalize_phone(std::string_view text) {
  auto info = parse_phone(text);
  if (!info) return std::unexpected(info.error());
  return std::move(info->e164);
}

}  // namespace simpul::mappings::domain
