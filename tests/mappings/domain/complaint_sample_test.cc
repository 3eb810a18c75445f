// The complaint scenario of the shared samples, field by field: the legacy
// CSV export read by the CSV reader and normalised by the domain functions
// must give the values of the national target and of its masked log view.
// What the samples decide through mapping tables (kanal, kategori, status)
// belongs to the mapping tests, not here.
#include <expected>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mappings/domain/indonesian_date.h"
#include "mappings/domain/masking.h"
#include "mappings/domain/nik.h"
#include "mappings/domain/phone.h"
#include "mappings/domain/region_code.h"
#include "mappings/formats/csv_reader.h"
#include "mappings/formats/json.h"
#include "mappings/mapping_file.h"
#include "tests/mappings/domain/region_fixture.h"

namespace simpul::mappings::domain {
namespace {

using test_support::read_text_file;
using test_support::spbe_dir;

std::string field(const rapidjson::Value& row, const char* name) { return row[name].GetString(); }

// One CSV row through the shipped lapor example's mapping (its lookup and
// BPS bridge tables, the shared region tables): the national record, or the
// mapping's refusal as "CODE message".
std::expected<rapidjson::Document, std::string> lapor_record(const rapidjson::Value& row) {
  mapping_load_options options;
  options.region_tables = spbe_dir() + "/data";
  const auto m = mapping_file::load(SIMPUL_SOURCE_DIR "/examples/lapor/mappings/pengaduan_ke_nasional.yaml", options);
  if (!m) return std::unexpected(to_string(m.error()));
  const auto out = (*m)->apply(formats::write_json(row), "application/json");
  if (!out) return std::unexpected(out.error().code + " " + out.error().message);
  auto doc = formats::parse_json(out->body);
  if (!doc) return std::unexpected("output is not JSON: " + out->body);
  return std::move(*doc);
}

class ComplaintSample : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto csv = read_text_file(spbe_dir() + "/samples/complaint/legacy_complaint.csv");
    const auto target = read_text_file(spbe_dir() + "/samples/complaint/national_complaint.json");
    const auto log_view = read_text_file(spbe_dir() + "/samples/complaint/national_complaint.log_view.json");
    const auto edge = read_text_file(spbe_dir() + "/samples/complaint/legacy_complaint_edgecases.csv");
    const auto edge_expected =
        read_text_file(spbe_dir() + "/samples/complaint/legacy_complaint_edgecases.expected.json");
    if (!csv || !target || !log_view || !edge || !edge_expected) {
      GTEST_SKIP() << "shared SPBE complaint samples not found in " << spbe_dir();
    }
    rows_ = std::move(formats::read_csv(*csv).value().rows);
    target_ = formats::parse_json(*target).value();
    log_view_ = formats::parse_json(*log_view).value();
    edge_rows_ = std::move(formats::read_csv(*edge).value().rows);
    edge_expected_ = formats::parse_json(*edge_expected).value();
  }

  rapidjson::Document rows_, target_, log_view_, edge_rows_, edge_expected_;
};

TEST_F(ComplaintSample, LegacyRowsNormaliseToTheNationalRecords) {
  auto regions = test_support::shared_region_table();
  ASSERT_EQ(rows_.Size(), target_.Size());
  for (rapidjson::SizeType i = 0; i < rows_.Size(); ++i) {
    const auto& in = rows_[i];
    const auto& out = target_[i];
    SCOPED_TRACE(field(in, "no_tiket"));
    EXPECT_EQ(field(in, "no_tiket"), field(out, "id_sumber"));
    EXPECT_EQ(parse_indonesian_datetime(field(in, "tgl_lapor") + " " + field(in, "jam_lapor"), "WIB").value(),
              field(out, "waktu_lapor"));
    EXPECT_EQ(parse_nik(field(in, "nik_pelapor")).value().nik, field(out["pelapor"], "nik"));
    EXPECT_EQ(normalize_phone(field(in, "no_hp")).value(), field(out["pelapor"], "telepon"));
    const auto& lokasi = out["lokasi"];
    const auto village = normalize_region_code(field(in, "kode_kelurahan")).value();
    EXPECT_EQ(village, field(lokasi, "kode_desa_kelurahan"));
    EXPECT_EQ(region_level(village), field(lokasi, "jenis_desa_kelurahan"));
    EXPECT_EQ(normalize_region_code(field(in, "kode_kecamatan")).value(), field(lokasi, "kode_kecamatan"));
    EXPECT_EQ(field(in, "uraian"), field(out, "isi"));
    if (regions) {
      EXPECT_EQ(regions->check(field(in, "kode_kecamatan"))->name, field(lokasi, "nama_kecamatan"));
      EXPECT_EQ(regions->check(field(lokasi, "kode_kabupaten_kota"))->name, field(lokasi, "nama_kabupaten_kota"));
      EXPECT_EQ(regions->check(field(lokasi, "kode_provinsi"))->name, field(lokasi, "nama_provinsi"));
    }
  }
}

TEST_F(ComplaintSample, MaskedLogViewMatches) {
  for (rapidjson::SizeType i = 0; i < target_.Size(); ++i) {
    const auto& person = target_[i]["pelapor"];
    const auto& masked = log_view_[i]["pelapor"];
    EXPECT_EQ(mask_nik(field(person, "nik")), field(masked, "nik"));
    EXPECT_EQ(mask_name(field(person, "nama")), field(masked, "nama"));
    EXPECT_EQ(mask_phone(field(person, "telepon")), field(masked, "telepon"));
    if (person["email"].IsString()) {
      EXPECT_EQ(mask_email(field(person, "email")), field(masked, "email"));
    }
  }
}

// Edge rows whose verdict comes from a domain function: dates, NIKs, phones
// and region codes.
TEST_F(ComplaintSample, EdgeCasesDecidedByDomainFunctions) {
  auto regions = test_support::shared_region_table();
  if (!regions) GTEST_SKIP() << "shared Kemendagri tables not found";
  nik_options nik_opts;
  nik_opts.regions = &*regions;
  int checked = 0;
  for (const auto& c : edge_expected_["kasus"].GetArray()) {
    const std::string ticket = c["no_tiket"].GetString();
    SCOPED_TRACE(ticket);
    const rapidjson::Value* row = nullptr;
    for (const auto& r : edge_rows_.GetArray()) {
      if (ticket == r["no_tiket"].GetString()) row = &r;
    }
    ASSERT_NE(row, nullptr);
    const auto time = parse_indonesian_datetime(field(*row, "tgl_lapor") + " " + field(*row, "jam_lapor"), "WIB");
    const auto nik = parse_nik(field(*row, "nik_pelapor"), nik_opts);
    const auto phone = normalize_phone(field(*row, "no_hp"));
    const auto kecamatan = regions->check(field(*row, "kode_kecamatan"));
    const auto village = normalize_region_code(field(*row, "kode_kelurahan"));
    if (c["harapan"].IsNull()) {  // the reference row: everything passes
      EXPECT_TRUE(time && nik && phone && kecamatan && village);
      ++checked;
      continue;
    }
    const auto& h = c["harapan"];
    const std::string error = h.HasMember("kode_galat") ? h["kode_galat"].GetString() : "";
    const std::string warning = h.HasMember("peringatan") ? h["peringatan"].GetString() : "";
    bool decided = true;
    if (h.HasMember("waktu_lapor")) {
      EXPECT_EQ(time.value(), h["waktu_lapor"].GetString());
    } else if (error == "TANGGAL_TIDAK_VALID") {
      ASSERT_FALSE(time);
      EXPECT_EQ(time.error().code, error);
    } else if (error.starts_with("NIK_")) {
      ASSERT_FALSE(nik);
      EXPECT_EQ(nik.error().code, error);
    } else if (h.HasMember("pelapor.nik")) {
      EXPECT_EQ(nik.value().nik, h["pelapor.nik"].GetString());
    } else if (warning == "NIK_KODE_WILAYAH_HISTORIS") {
      EXPECT_EQ(nik.value().warnings, std::vector<std::string>{warning});
    } else if (error == "WILAYAH_TIDAK_DIKENAL") {
      ASSERT_FALSE(kecamatan);
      EXPECT_EQ(kecamatan.error().code, error);
    } else if (error == "WILAYAH_TIDAK_KONSISTEN") {
      ASSERT_TRUE(village && kecamatan);
      EXPECT_FALSE(village->starts_with(kecamatan->code + "."));
    } else if (warning == "KODE_BPS_DIKONVERSI") {
      // Never read as a Kemendagri code; converted only through a bridge
      // table (examples/lapor/tables/jembatan_bps_kemendagri.csv).
      EXPECT_FALSE(kecamatan) << "a BPS kecamatan code must not pass as Kemendagri";
      const auto record = lapor_record(*row);
      ASSERT_TRUE(record) << record.error();
      std::vector<std::string> warnings;
      for (const auto& w : (*record)["peringatan"].GetArray()) warnings.emplace_back(w.GetString());
      EXPECT_EQ(warnings, std::vector<std::string>{warning});
      EXPECT_EQ(field((*record)["lokasi"], "kode_desa_kelurahan"), h["lokasi.kode_desa_kelurahan"].GetString());
      EXPECT_EQ(field((*record)["lokasi"], "kode_kecamatan"),
                field((*record)["lokasi"], "kode_desa_kelurahan").substr(0, 8));
    } else if (h.HasMember("lokasi.kode_desa_kelurahan")) {
      EXPECT_EQ(village.value(), h["lokasi.kode_desa_kelurahan"].GetString());
    } else if (error == "TELEPON_FORMAT") {
      ASSERT_FALSE(phone);
      EXPECT_EQ(phone.error().code, error);
    } else if (h.HasMember("pelapor.telepon")) {
      EXPECT_EQ(phone.value(), h["pelapor.telepon"].GetString());
    } else {
      decided = false;  // kanal, kategori, isi, booleans: mapping tables
    }
    checked += decided ? 1 : 0;
  }
  EXPECT_EQ(checked, 20);
}

}  // namespace
}  // namespace simpul::mappings::domain
