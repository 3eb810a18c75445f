#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mappings/domain/domain_error.h"

namespace simpul::mappings::domain {

/// One code as the tables know it.
struct region_entry {
  std::string code;      // dotted Kemendagri code
  std::string name;      // current name, or the last one for a retired code
  bool active = true;    // in the current edition
  std::string editions;  // "2015 2017 ... 2025" from the *_historis tables
};

/// Result of region_table::check.
struct region_info {
  std::string code;   // normalised
  std::string level;  // region_level(): PROVINSI, KABUPATEN, KOTA, KECAMATAN, DESA, ...
  std::string name;   // empty when the village table is not loaded
  bool active = true;
  /// WILAYAH_HISTORIS (code of an earlier edition only),
  /// WILAYAH_DESA_TIDAK_DICEK (village level checked only up to its kecamatan).
  std::vector<std::string> warnings;
};

/// Kemendagri code tables loaded from a directory holding the files of
/// `shared/spbe/data` (see its SOURCE.md):
///   provinsi.csv        kode,nama                          (required)
///   kabupaten_kota.csv  kode,kode_provinsi,jenis,nama      (required)
///   kecamatan.csv       kode,kode_kabupaten_kota,nama      (required)
///   provinsi_historis.csv, kabupaten_kota_historis.csv, kecamatan_historis.csv
///                       kode,nama_terakhir,edisi_ada,aktif_2025  (optional: codes of earlier editions)
///   desa_kelurahan.csv  kode,nama                          (optional: village level)
///   bps_kemendagri_prov_kabkota_2018.csv kode_bps,nama_bps,kode_kemendagri,nama_kemendagri (optional)
///
/// Immutable after load: any thread may call the const members concurrently.
/// Owned by whoever configured the directory; share it as shared_ptr<const>.
class region_table {
 public:
  /// Errors: WILAYAH_TABEL with "file:line: what" in the message.
  static domain_result<region_table> load(const std::filesystem::path& dir);

  /// The entry for a normalised code: the current edition first, then any
  /// earlier one (active = false); nullptr if no edition has it.
  const region_entry* find(std::string_view normalized) const;

  /// Normalises and checks existence. Examples with the shared tables:
  ///   "3374"          -> {code "33.74", level KOTA, name "Kota Semarang"}
  ///   "32.04.05"      -> {code "32.04.05", level KECAMATAN, name "Cileunyi"}
  ///   "91.01"         -> {active false, warnings [WILAYAH_HISTORIS]} (Merauke before 2022)
  ///   "33.74.99"      -> error WILAYAH_TIDAK_DIKENAL
  ///   "3204052001"    -> {code "32.04.05.2001", level DESA, warnings [WILAYAH_DESA_TIDAK_DICEK]}
  ///                      (without desa_kelurahan.csv; the kecamatan must exist)
  ///   "32.4.5"        -> error WILAYAH_FORMAT
  domain_result<region_info> check(std::string_view code) const;

  /// BPS province/regency code (2018 bridge, "3374", "94") -> Kemendagri
  /// code ("33.74", "91"); nullopt when unknown or the bridge is not loaded.
  std::optional<std::string> from_bps(std::string_view bps_code) const;

  bool has_villages() const { return has_villages_; }
  std::size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<std::string, region_entry> entries_;
  std::unordered_map<std::string, std::string> bps_;
  bool has_villages_ = false;
};

}  // namespace simpul::mappings::domain
