#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mappings/domain/domain_error.h"

namespace simpul::mappings::domain {

/// A regional-budget code with its hierarchy: `levels[i]` is the code's first
/// i+1 segments ("5", "5.1", "5.1.02", ...), in the order of `names`.
struct budget_code {
  std::string code;                 // normalised, e.g. "5.1.02.02.01.0063"
  std::vector<std::string> levels;  // one prefix per segment
};

/// Level names of a kode rekening (Permendagri 90/2019, widths 1.1.2.2.2.4).
inline constexpr const char* kRekeningLevels[] = {"akun", "kelompok", "jenis", "objek", "rincian_objek",
                                                   "sub_rincian_objek"};
/// Level names of a kode sub kegiatan (widths 1.2.2.1.2.4; "kegiatan" spans
/// two segments, so it is the 5-segment prefix).
inline constexpr const char* kSubKegiatanLevels[] = {"urusan", "bidang_urusan", "program", "kegiatan",
                                                      "sub_kegiatan"};

/// Kode rekening -> normalised code. Error code KODE_REKENING_FORMAT.
/// Surrounding spaces are ignored. Each segment must have at least its
/// standard width; a longer segment is accepted only when the extra digits
/// are leading zeros (a zero-padding variant seen in field exports), which
/// are removed. A shorter segment is ambiguous and refused.
///   "5.1.02.01.01.0024"      -> "5.1.02.01.01.0024"
///   " 5.1.02.03.02.0409 "    -> "5.1.02.03.02.0409"
///   "5.1.02.02.001.00063"    -> "5.1.02.02.01.0063"
///   "5.1.2.1.1.24"           -> error (segments not zero-padded)
///   "5.1.02.02.101.0063"     -> error (101 does not fit 2 digits)
///   "5.1.02"                 -> error (a detail code has 6 segments)
domain_result<budget_code> parse_kode_rekening(std::string_view text);

/// Kode sub kegiatan ("2.16.03.2.02.0014") -> normalised code; levels
/// urusan "2", bidang_urusan "2.16", program "2.16.03", kegiatan
/// "2.16.03.2.02", sub_kegiatan. Same padding rules. Error code
/// KODE_SUB_KEGIATAN_FORMAT.
domain_result<budget_code> parse_kode_sub_kegiatan(std::string_view text);

/// One column that holds a sub kegiatan code and a kode rekening joined
/// ("2.16.03.2.02.0014.5.1.02.02.01.0063", the DPA/SPJ layout), or a kode
/// rekening alone (then `sub_kegiatan` is empty).
struct account_code {
  budget_code sub_kegiatan;  // code empty when the text had none
  budget_code rekening;
};

/// 12 segments: sub kegiatan + rekening; 6 segments: rekening only.
/// Errors: KODE_REKENING_FORMAT, KODE_SUB_KEGIATAN_FORMAT.
///   "2.16.03.2.02.0014.5.1.02.02.01.0063" -> {"2.16.03.2.02.0014", "5.1.02.02.01.0063"}
///   "5.2.02.10.01.0002"                   -> {"", "5.2.02.10.01.0002"}
domain_result<account_code> parse_account_code(std::string_view text);

}  // namespace simpul::mappings::domain
