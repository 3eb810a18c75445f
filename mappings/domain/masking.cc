#include "mappings/domain/masking.h"

#include <algorithm>

#include "mappings/domain/civil_date.h"
#include "mappings/domain/phone.h"

namespace simpul::mappings::domain {
namespace {

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for stray
// continuation bytes, so the loop always advances).
std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

std::string mask_nik(std::string_view nik) {
  std::string masked = strip_id_separators(nik);
  if (masked.size() != 16) return std::string(nik.size(), '*');
  std::fill(masked.begin() + 4, masked.begin() + 12, '*');
  return masked;
}

std::string mask_phone(std::string_view phone) {
  auto e164 = normalize_phone(phone);
  if (!e164) return std::string(phone.size(), '*');
  // +62, the first three and the last three national digits stay
  std::string masked = std::move(*e164);
  std::fill(masked.begin() + 6, masked.end() - 3, '*');
  return masked;
}

std::string mask_email(std::string_view email) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  const std::size_t first = utf8_length(static_cast<unsigned char>(email[0]));
  if (first > at) return "***";
  return std::string(email.substr(0, first)) + "***" + std::string(email.substr(at));
}

std::string mask_name(std::string_view name) {
  std::string out;
  std::size_t i = 0;
  while (i < name.size()) {
    while (i < name.size() && (name[i] == ' ' || name[i] == '\t')) ++i;
    if (i >= name.size()) break;
    const std::size_t len = std::min(utf8_length(static_cast<unsigned char>(name[i])), name.size() - i);
    if (!out.empty()) out.push_back(' ');
    out.append(name.substr(i, len));
    out.append("***");
    i += len;
    while (i < name.size() && name[i] != ' ' && name[i] != '\t') ++i;
  }
  return out;
}

}  // namespace simpul::mappings::domain
