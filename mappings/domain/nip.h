#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mappings/domain/domain_error.h"

namespace simpul::mappings::domain {

/// Parts of a NIP (civil servant number, Perka BKN 22/2007), layout
/// YYYYMMDD YYYYMM G NNN.
struct nip_info {
  std::string nip;         // 18 digits, separators removed
  std::string birth_date;  // ISO "1981-04-14"
  std::string tmt;         // TMT CPNS year-month "2006-03"
  std::string sex;         // "L" (G = 1) or "P" (G = 2)
  std::string serial;      // "004"
  /// NIP_UMUR_TMT_TIDAK_WAJAR: appointed before age 18 or before birth.
  std::vector<std::string> warnings;
};

/// Validates and parses a NIP; spaces, dots and dashes are removed first.
/// Error codes: NIP_FORMAT (not 18 digits), NIP_TANGGAL_LAHIR (no such
/// birth date), NIP_TMT (TMT month not 01-12 or year before 1900),
/// NIP_JENIS_KELAMIN (digit 15 not 1 or 2), NIP_NOMOR_URUT (serial 000).
/// PPPK numbers look the same but are not confirmed to share the layout.
/// Examples:
///   "19810414 200603 1 004" -> {"198104142006031004", "1981-04-14", "2006-03", "L", "004"}
///   "199011052015032011"    -> {..., "1990-11-05", "2015-03", "P", "011"}
///   "199011052005032011"    -> valid, warnings [NIP_UMUR_TMT_TIDAK_WAJAR] (TMT at 14)
///   "199011052015133011"    -> NIP_TMT (month 13)
///   "199011052015033011"    -> NIP_JENIS_KELAMIN (3)
///   "19901105201503201"     -> NIP_FORMAT (17 digits)
domain_result<nip_info> parse_nip(std::string_view text);

}  // namespace simpul::mappings::domain
