#include "mappings/domain/nik.h"

#include "mappings/domain/region_table.h"

namespace simpul::mappings::domain {

domain_result<nik_info> parse_nik(std::string_view text, const nik_options& options) {
  std::string nik = strip_id_separators(text);
  if (nik.size() != 16) return make_domain_error("NIK_FORMAT", "a NIK has exactly 16 digits");
  const std::string_view v = nik;
  if (v.substr(0, 2) < "11" || v.substr(2, 2) == "00" || v.substr(4, 2) == "00") {
    return make_domain_error("NIK_FORMAT", "region part must be a province 11-99, regency and kecamatan not 00");
  }
  int day = digits_value(v.substr(6, 2));
  const int month = digits_value(v.substr(8, 2));
  const int yy = digits_value(v.substr(10, 2));
  nik_info info;
  info.sex = "L";
  if (day > 40) {
    day -= 40;
    info.sex = "P";
  }
  const civil_date today = options.today ? *options.today : civil_date::today();  // the clock only when needed
  civil_date birth{2000 + yy, month, day};
  if (birth > today) birth.year -= 100;
  if (!birth.valid()) {
    return make_domain_error("NIK_TANGGAL", "digits 7-12 are not a birth date (DD or DD+40, MM, YY)");
  }
  if (v.substr(12) == "0000") return make_domain_error("NIK_NOMOR_URUT", "serial 0000 is never issued");

  info.province_code = v.substr(0, 2);
  info.regency_code.reserve(5);
  info.regency_code.append(v.substr(0, 2)).append(1, '.').append(v.substr(2, 2));
  info.district_code.reserve(8);
  info.district_code.append(info.regency_code).append(1, '.').append(v.substr(4, 2));
  info.birth_date = birth.iso();
  info.serial = v.substr(12);
  info.nik = std::move(nik);  // last: `v` views it
  if (options.regions != nullptr) {
    const auto* entry = options.regions->find(info.district_code);
    if (entry == nullptr) {
      return make_domain_error("NIK_WILAYAH_TIDAK_DIKENAL",
                               "kecamatan " + info.district_code + " is in no edition of the Kemendagri tables");
    }
    if (!entry->active) info.warnings.push_back("NIK_KODE_WILAYAH_HISTORIS");
  }
  return info;
}

}  // namespace simpul::mappings::domain
