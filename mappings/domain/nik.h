#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/domain/civil_date.h"
#include "mappings/domain/domain_error.h"

namespace simpul::mappings::domain {

class region_table;

/// Parts of a NIK (Nomor Induk Kependudukan), layout PP KK CC DDMMYY NNNN.
struct nik_info {
  std::string nik;            // 16 digits, separators removed
  std::string province_code;  // "33"
  std::string regency_code;   // "33.74"
  std::string district_code;  // "33.74.03" (kecamatan at first registration)
  std::string birth_date;     // ISO "1992-08-27"
  std::string sex;            // "L" (laki-laki) or "P" (perempuan: day + 40)
  std::string serial;         // "9903"
  /// NIK_KODE_WILAYAH_HISTORIS: the kecamatan exists only in an earlier
  /// edition (a NIK is lifelong, so this is not an error).
  std::vector<std::string> warnings;
};

struct nik_options {
  /// Reference date for the century choice; default today (UTC).
  std::optional<civil_date> today;
  /// When set, the 6-digit region prefix must exist in some edition.
  const region_table* regions = nullptr;
};

/// Validates and parses a NIK. Spaces, dots and dashes are removed first.
/// Century: 20YY when that birth date is not after `today`, else 19YY (the
/// latest plausible date; a NIK is issued to newborns too).
/// Error codes: NIK_FORMAT (not 16 digits, or a zero province/regency/
/// kecamatan part), NIK_TANGGAL (no such birth date), NIK_NOMOR_URUT (serial
/// 0000), NIK_WILAYAH_TIDAK_DIKENAL (with `regions`: prefix in no edition).
/// Examples (today = 2025-11-01):
///   "3374036708929903"    -> {33, 33.74, 33.74.03, "1992-08-27", "P", "9903"}   (67 = 27 + 40)
///   "3374010101759904"    -> {..., "1975-01-01", "L", "9904"}
///   "3374106902009905"    -> {..., "2000-02-29", "P"}                        (leap year)
///   "3204053112159908"    -> {..., "2015-12-31", "L"}                        (2015, not 1915)
///   "3374 0305 0388 9906" -> nik "3374030503889906"
///   "3374037208929903"    -> NIK_TANGGAL (72 - 40 = 32)
///   "3374032902019906"    -> NIK_TANGGAL (29-02-2001 and 1901 are not leap days)
///   "337403050388990"     -> NIK_FORMAT (15 digits)
///   "3,37403E+15"         -> NIK_FORMAT (destroyed by Excel)
///   "3374030503880000"    -> NIK_NOMOR_URUT
///   with the shared tables: "9101015206799907" -> warnings [NIK_KODE_WILAYAH_HISTORIS];
///   "9974030503889906" -> NIK_WILAYAH_TIDAK_DIKENAL
domain_result<nik_info> parse_nik(std::string_view text, const nik_options& options = {});

/// parse_nik(text, options).has_value(), without building the parts.
bool nik_valid(std::string_view text, const nik_options& options = {});

}  // namespace simpul::mappings::domain
