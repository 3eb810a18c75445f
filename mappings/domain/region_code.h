#pragma once

#include <string>
#include <string_view>

#include "mappings/domain/domain_error.h"

namespace simpul::mappings::domain {

/// Kemendagri region code (kode wilayah, Permendagri 58/2021) -> dotted form
/// `PP[.KK[.CC[.DDDD]]]`. Format only; region_table checks existence.
/// Error code WILAYAH_FORMAT.
///   "32"            -> "32"             (province)
///   "3204", "32.04" -> "32.04"          (regency/city)
///   "320405", "32.04.05"              -> "32.04.05"       (kecamatan)
///   "3204052001", "32.04.05.2001"     -> "32.04.05.2001"  (desa/kelurahan)
///   " 33.74.03 "    -> "33.74.03"       (surrounding spaces ignored)
///   "32.4.5.2001"   -> error (segments must be zero-padded)
///   "3374110"       -> error (7 digits: a BPS kecamatan code, not Kemendagri)
///   "02", "32.00"   -> error (province 11-99; no segment is all zeros)
///   "32.04.05.4001" -> error (village code starts with 1 kelurahan, 2 desa, 3 desa adat)
/// The undotted 10-digit form is read as Kemendagri: a BPS code of the same
/// length must go through region_table::from_bps instead.
domain_result<std::string> normalize_region_code(std::string_view code);

/// Level of a normalised code: "PROVINSI", "KABUPATEN" (KK 01-69), "KOTA"
/// (KK 71-99), "KECAMATAN", "KELURAHAN" (1xxx), "DESA" (2xxx), "DESA_ADAT"
/// (3xxx); empty when not a normalised code.
std::string region_level(std::string_view normalized);

}  // namespace simpul::mappings::domain
