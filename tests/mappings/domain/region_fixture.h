#pragma once

#include <optional>

#include "mappings/domain/region_table.h"
#include "tests/mappings/formats_domain/test_util.h"

namespace simpul::mappings::test_support {

/// A tiny fabricated code table (a few real codes, made-up rows elsewhere),
/// written to a temp dir: the shared tables are never copied into the repo.
inline void write_fabricated_region_tables(const temp_dir& dir) {
  dir.write("provinsi.csv", "kode,nama\r\n33,Jawa Tengah\r\n93,Papua Selatan\r\n");
  dir.write("kabupaten_kota.csv",
            "kode,kode_provinsi,jenis,nama\r\n33.74,33,KOTA,Kota Semarang\r\n33.22,33,KABUPATEN,Kabupaten Semarang\r\n"
            "93.01,93,KABUPATEN,Kabupaten Merauke\r\n");
  dir.write("kecamatan.csv",
            "kode,kode_kabupaten_kota,nama\r\n33.74.01,33.74,Semarang Tengah\r\n33.74.03,33.74,Semarang Timur\r\n"
            "93.01.01,93.01,Merauke\r\n");
  dir.write("kabupaten_kota_historis.csv",
            "kode,nama_terakhir,edisi_ada,aktif_2025\r\n33.74,Kota Semarang,2015 2025,Y\r\n"
            "91.01,KAB. MERAUKE,2015 2017 2019 2021,N\r\n");
  dir.write("kecamatan_historis.csv",
            "kode,nama_terakhir,edisi_ada,aktif_2025\r\n91.01.01,Merauke,2015 2017 2019 2021,N\r\n");
  dir.write("provinsi_historis.csv", "kode,nama_terakhir,edisi_ada,aktif_2025\r\n91,Papua,2015 2025,Y\r\n");
}

/// The shared Kemendagri tables, when the research folder is present.
inline std::optional<domain::region_table> shared_region_table() {
  auto t = domain::region_table::load(spbe_dir() + "/data");
  if (!t) return std::nullopt;
  return std::move(*t);
}

}  // namespace simpul::mappings::test_support
