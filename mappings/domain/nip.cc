#include "mappings/domain/nip.h"

#include "mappings/domain/civil_date.h"

namespace simpul::mappings::domain {

domain_result<nip_info> parse_nip(std::string_view text) {
  const std::string nip = strip_id_separators(text);
  if (nip.size() != 18) return make_domain_error("NIP_FORMAT", "a NIP has exactly 18 digits");
  const std::string_view v = nip;
  const civil_date birth{digits_value(v.substr(0, 4)), digits_value(v.substr(4, 2)), digits_value(v.substr(6, 2))};
  if (!birth.valid() || birth.year < 1900) {
    return make_domain_error("NIP_TANGGAL_LAHIR", "digits 1-8 are not a birth date (YYYYMMDD)");
  }
  const int tmt_year = digits_value(v.substr(8, 4));
  const int tmt_month = digits_value(v.substr(12, 2));
  if (tmt_month < 1 || tmt_month > 12 || tmt_year < 1900) {
    return make_domain_error("NIP_TMT", "digits 9-14 are not a TMT year and month (YYYYMM)");
  }
  if (v[14] != '1' && v[14] != '2') {
    return make_domain_error("NIP_JENIS_KELAMIN", "digit 15 must be 1 (male) or 2 (female)");
  }
  if (v.substr(15) == "000") return make_domain_error("NIP_NOMOR_URUT", "serial 000 is never issued");
  nip_info info;
  info.nip = nip;
  info.birth_date = birth.iso();
  info.tmt = std::string(v.substr(8, 4)) + "-" + std::string(v.substr(12, 2));
  info.sex = v[14] == '1' ? "L" : "P";
  info.serial = std::string(v.substr(15));
  // Age at the first day of the TMT month.
  if (years_between(birth, civil_date{tmt_year, tmt_month, 1}) < 18) {
    info.warnings.push_back("NIP_UMUR_TMT_TIDAK_WAJAR");
  }
  return info;
}

}  // namespace simpul::mappings::domain
