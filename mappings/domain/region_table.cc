#include "mappings/domain/region_table.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "mappings/domain/region_code.h"
#include "mappings/formats/csv_reader.h"

namespace simpul::mappings::domain {
namespace {

std::unexpected<domain_error> table_error(const std::filesystem::path& file, int line, const std::string& what) {
  return make_domain_error("WILAYAH_TABEL",
                           file.filename().string() + (line > 0 ? ":" + std::to_string(line) : "") + ": " + what);
}

struct table_rows {
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;
  std::vector<std::size_t> index;  // positions of the requested columns
};

// Reads `file` and picks `wanted` columns. nullopt-like empty result with
// found=false when the file is absent and optional.
domain_result<std::optional<table_rows>> read_table(const std::filesystem::path& file,
                                                    const std::vector<std::string>& wanted, bool required) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (!required) return std::optional<table_rows>{};
    return table_error(file, 0, "cannot open the file");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  formats::csv_options options;
  options.delimiter = ',';
  options.trim = true;
  auto reader = formats::csv_reader::open(text, options);
  if (!reader) return table_error(file, reader.error().line, reader.error().message);
  table_rows out;
  for (const auto& name : wanted) {
    const auto& cols = reader->columns();
    const auto it = std::find(cols.begin(), cols.end(), name);
    if (it == cols.end()) return table_error(file, 1, "missing column '" + name + "'");
    out.index.push_back(static_cast<std::size_t>(it - cols.begin()));
  }
  for (;;) {
    auto row = reader->next();
    if (!row) return table_error(file, row.error().line, row.error().message + " (" + row.error().detail + ")");
    if (!*row) break;
    std::vector<std::string> picked;
    for (const auto i : out.index) picked.push_back((*row)->fields[i]);
    out.rows.push_back(std::move(picked));
    out.lines.push_back((*row)->line);
  }
  return std::optional<table_rows>{std::move(out)};
}

}  // namespace

domain_result<region_table> region_table::load(const std::filesystem::path& dir) {
  region_table table;
  // Current edition.
  for (const auto* file : {"provinsi.csv", "kabupaten_kota.csv", "kecamatan.csv", "desa_kelurahan.csv"}) {
    const bool required = std::string_view(file) != "desa_kelurahan.csv";
    auto rows = read_table(dir / file, {"kode", "nama"}, required);
    if (!rows) return std::unexpected(rows.error());
    if (!*rows) continue;
    if (!required) table.has_villages_ = true;
    for (std::size_t i = 0; i < (*rows)->rows.size(); ++i) {
      const auto& r = (*rows)->rows[i];
      auto code = normalize_region_code(r[0]);
      if (!code) return table_error(dir / file, (*rows)->lines[i], "bad code '" + r[0] + "': " + code.error().message);
      table.entries_[*code] = region_entry{*code, r[1], true, {}};
    }
  }
  // Earlier editions: add retired codes, note editions of current ones.
  for (const auto* file : {"provinsi_historis.csv", "kabupaten_kota_historis.csv", "kecamatan_historis.csv"}) {
    auto rows = read_table(dir / file, {"kode", "nama_terakhir", "edisi_ada", "aktif_2025"}, false);
    if (!rows) return std::unexpected(rows.error());
    if (!*rows) continue;
    for (std::size_t i = 0; i < (*rows)->rows.size(); ++i) {
      const auto& r = (*rows)->rows[i];
      auto code = normalize_region_code(r[0]);
      if (!code) return table_error(dir / file, (*rows)->lines[i], "bad code '" + r[0] + "': " + code.error().message);
      auto [it, inserted] = table.entries_.try_emplace(*code, region_entry{*code, r[1], false, r[2]});
      if (!inserted) it->second.editions = r[2];
    }
  }
  auto bridge = read_table(dir / "bps_kemendagri_prov_kabkota_2018.csv", {"kode_bps", "kode_kemendagri"}, false);
  if (!bridge) return std::unexpected(bridge.error());
  if (*bridge) {
    for (const auto& r : (*bridge)->rows) table.bps_[r[0]] = r[1];
  }
  return table;
}

const region_entry* region_table::find(std::string_view normalized) const {
  const auto it = entries_.find(std::string(normalized));
  return it == entries_.end() ? nullptr : &it->second;
}

domain_result<region_info> region_table::check(std::string_view code) const {
  auto normalized = normalize_region_code(code);
  if (!normalized) return std::unexpected(normalized.error());
  region_info info;
  info.code = *normalized;
  info.level = region_level(info.code);
  std::string_view lookup = info.code;
  const bool village = info.code.size() == 13;
  if (village && !has_villages_) {
    lookup = lookup.substr(0, 8);  // check up to the kecamatan
    info.warnings.push_back("WILAYAH_DESA_TIDAK_DICEK");
  }
  const auto* entry = find(lookup);
  if (entry == nullptr) {
    return make_domain_error("WILAYAH_TIDAK_DIKENAL",
                             "code " + std::string(lookup) + " is in no edition of the Kemendagri tables");
  }
  if (!village || has_villages_) info.name = entry->name;
  info.active = entry->active;
  if (!entry->active) info.warnings.insert(info.warnings.begin(), "WILAYAH_HISTORIS");
  return info;
}

std::optional<std::string> region_table::from_bps(std::string_view bps_code) const {
  const auto it = bps_.find(std::string(bps_code));
  if (it == bps_.end()) return std::nullopt;
  return it->second;
}

}  // namespace simpul::mappings::domain
