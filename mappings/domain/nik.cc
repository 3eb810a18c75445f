#include "mappings/domain/nik.h"

#include <array>

#include "mappings/domain/region_table.h"

namespace simpul::mappings::domain {
namespace {

// A NIK that passed every check, its digits in a fixed buffer: what
// parse_nik and nik_valid share, built without allocating.
struct checked_nik {
  std::array<char, 16> digits{};
  civil_date birth;
  bool woman = false;
  bool historic_region = false;
  std::string_view view() const { return {digits.data(), digits.size()}; }
};

// "PP.KK.CC" of the digits.
std::string district_code(std::string_view v) {
  std::string out;
  out.reserve(8);
  out.append(v.substr(0, 2)).append(1, '.').append(v.substr(2, 2)).append(1, '.').append(v.substr(4, 2));
  return out;
}

domain_result<checked_nik> check_nik(std::string_view text, const nik_options& options) {
  checked_nik n;
  std::size_t count = 0;  // the separators strip_id_separators drops; anything else refuses
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      if (count == n.digits.size()) return make_domain_error("NIK_FORMAT", "a NIK has exactly 16 digits");
      n.digits[count++] = c;
    } else if (c != ' ' && c != '.' && c != '-' && c != '\t') {
      return make_domain_error("NIK_FORMAT", "a NIK has exactly 16 digits");
    }
  }
  if (count != n.digits.size()) return make_domain_error("NIK_FORMAT", "a NIK has exactly 16 digits");
  const std::string_view v = n.view();
  if (v.substr(0, 2) < "11" || v.substr(2, 2) == "00" || v.substr(4, 2) == "00") {
    return make_domain_error("NIK_FORMAT", "region part must be a province 11-99, regency and kecamatan not 00");
  }
  int day = digits_value(v.substr(6, 2));
  const int month = digits_value(v.substr(8, 2));
  const int yy = digits_value(v.substr(10, 2));
  if (day > 40) {
    day -= 40;
    n.woman = true;
  }
  const civil_date today = options.today ? *options.today : civil_date::today();  // the clock only when needed
  n.birth = civil_date{2000 + yy, month, day};
  if (n.birth > today) n.birth.year -= 100;
  if (!n.birth.valid()) {
    return make_domain_error("NIK_TANGGAL", "digits 7-12 are not a birth date (DD or DD+40, MM, YY)");
  }
  if (v.substr(12) == "0000") return make_domain_error("NIK_NOMOR_URUT", "serial 0000 is never issued");
  if (options.regions != nullptr) {
    const std::string district = district_code(v);
    const auto* entry = options.regions->find(district);
    if (entry == nullptr) {
      return make_domain_error("NIK_WILAYAH_TIDAK_DIKENAL",
                               "kecamatan " + district + " is in no edition of the Kemendagri tables");
    }
    n.historic_region = !entry->active;
  }
  return n;
}

}  // namespace

domain_result<nik_info> parse_nik(std::string_view text, const nik_options& options) {
  auto checked = check_nik(text, options);
  if (!checked) return std::unexpected(std::move(checked.error()));
  const std::string_view v = checked->view();
  nik_info info;
  info.nik = v;
  info.province_code = v.substr(0, 2);
  info.regency_code = v.substr(0, 2);
  info.regency_code.append(1, '.').append(v.substr(2, 2));
  info.district_code = district_code(v);
  info.birth_date = checked->birth.iso();
  info.sex = checked->woman ? "P" : "L";
  info.serial = v.substr(12);
  if (checked->historic_region) info.warnings.push_back("NIK_KODE_WILAYAH_HISTORIS");
  return info;
}

bool nik_valid(std::string_view text, const nik_options& options) { return check_nik(text, options).has_value(); }

}  // namespace simpul::mappings::domain
