#include "security/masking.h"

#include <gtest/gtest.h>

#include <chrono>

namespace simpul::security {
namespace {

masker make(masking_policy p = {}) {
  auto m = masker::make(std::move(p));
  EXPECT_TRUE(m) << (m ? "" : m.error().message);
  return std::move(*m);
}

TEST(Pii, NikPlausibility) {
  EXPECT_TRUE(pii::nik_plausible("3204011201900001"));   // Jabar, 12-01-90
  EXPECT_TRUE(pii::nik_plausible("3204015201900001"));   // woman: day + 40
  EXPECT_TRUE(pii::nik_plausible("9601010101000001"));   // Papua provinces
  EXPECT_FALSE(pii::nik_plausible("4111111111111111"));  // card number: province 41
  EXPECT_FALSE(pii::nik_plausible("3200011201900001"));  // regency 00
  EXPECT_FALSE(pii::nik_plausible("3204003201900001"));  // district 00
  EXPECT_FALSE(pii::nik_plausible("3204013201900001"));  // day 32
  EXPECT_FALSE(pii::nik_plausible("3204011213900001"));  // month 13
  EXPECT_FALSE(pii::nik_plausible("3204011201900000"));  // serial 0000
  EXPECT_FALSE(pii::nik_plausible("320401120190001"));   // 15 digits
}

TEST(Pii, MaskForms) {
  EXPECT_EQ(pii::mask_nik("3204011201900001"), "320401**********");
  EXPECT_EQ(pii::mask_email("budi.santoso@example.go.id"), "b***@example.go.id");
  EXPECT_EQ(pii::mask_phone("081234567890"), "0812*****890");
  EXPECT_EQ(pii::mask_phone("+62 812-3456-7890"), "+62 812-****-*890");
  EXPECT_EQ(pii::mask_phone("6281234567890"), "62812*****890");
  EXPECT_EQ(pii::mask_words("Budi Santoso"), "B*** S******");
  EXPECT_EQ(pii::mask_words("Ñoño Ayu"), "Ñ*** A**");
}

TEST(Masking, FreeTextWithEmbeddedData) {
  auto m = make();
  EXPECT_EQ(m.mask_text("laporan dari NIK 3204011201900001 (hp 0812-3456-7890, "
                        "email budi@example.go.id) diterima"),
            "laporan dari NIK 320401********** (hp 0812-****-*890, "
            "email b***@example.go.id) diterima");
  EXPECT_EQ(m.mask_text("kirim ke +6281234567890."), "kirim ke +62812*****890.");
  EXPECT_EQ(m.mask_text("telp kantor +62 21 5551234"), "telp kantor +62 21 5***234");
  EXPECT_EQ(m.mask_text("nik=3204011201900001&x=1"), "nik=320401**********&x=1");
}

TEST(Masking, LeavesNonPersonalNumbersAlone) {
  auto m = make();
  for (const char* s : {
           "kartu 4111111111111111 ditolak",         // fails NIK plausibility
           "order 3204011201900000 done",            // serial 0000
           "id 32040112019000011 (17 digits)",       // not 16 digits
           "trace abc3204011201900001",              // glued to letters
           "total 1234567 rupiah pada 2026-11-23",   // amounts and dates
           "kode 021-5551234",                       // landline without +62: ambiguous
           "versi 0.8.12 build 0812",                // too short for a phone
           "user@localhost",                         // no dotted domain
       })
    EXPECT_EQ(m.mask_text(s), s);
}

TEST(Masking, JsonByPathKeyAndDetector) {
  masking_policy p;
  p.paths = {"pelapor.nomor_identitas", "$..email", "$.items[*].catatan_pribadi"};
  auto m = make(p);
  auto out = m.mask_json_text(R"({
    "pelapor": {"nomor_identitas": "3204011201900001", "nama": "Budi Santoso",
                "kontak": {"email": "budi@example.go.id", "hp": "081234567890"}},
    "nik": 3204011201900001,
    "no_kk": "1234567890123456",
    "items": [{"catatan_pribadi": "rumah cat hijau", "jumlah": 3}],
    "keterangan": "hubungi 0812 3456 7890 atau siti@contoh.id",
    "kode": "4111111111111111",
    "alamat": "Jl. Merdeka 10"
  })");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out,
            R"({"pelapor":{"nomor_identitas":"320401**********","nama":"B*** S******",)"
            R"("kontak":{"email":"b***@example.go.id","hp":"0812*****890"}},)"
            R"("nik":"320401**********","no_kk":"123456**********",)"
            R"("items":[{"catatan_pribadi":"r**** c** h****","jumlah":3}],)"
            R"("keterangan":"hubungi 0812 **** *890 atau s***@contoh.id",)"
            R"("kode":"4111111111111111","alamat":"J** M****** 1*"})");
}

TEST(Masking, PathWildcardsAndDetectorSwitches) {
  masking_policy p;
  p.paths = {"*.rahasia", "$..dalam.x"};
  p.detect.phone = false;
  p.name_keys.clear();
  auto m = make(p);
  auto out = m.mask_json_text(
      R"({"a":{"rahasia":"abc"},"rahasia":"top","b":{"c":{"dalam":{"x":"xyz"}}},"nama":"Budi","hp":"081234567890"})");
  ASSERT_TRUE(out);
  EXPECT_EQ(*out,
            R"({"a":{"rahasia":"a**"},"rahasia":"top","b":{"c":{"dalam":{"x":"x**"}}},"nama":"Budi","hp":"081234567890"})");
}

TEST(Masking, CopyLeavesTheOriginalUntouched) {
  auto m = make();
  rapidjson::Document doc;
  doc.Parse(R"({"email":"a@b.co","n":[3204011201900001]})");
  auto copy = m.masked_copy(doc);
  EXPECT_STREQ(doc["email"].GetString(), "a@b.co");
  EXPECT_STREQ(copy["email"].GetString(), "a***@b.co");
  EXPECT_STREQ(copy["n"][0].GetString(), "320401**********");
}

TEST(Masking, BadPathsAndBadJson) {
  EXPECT_FALSE(masker::make({.paths = {"a..", "x"}}));
  EXPECT_FALSE(masker::make({.paths = {"a[0"}}));
  EXPECT_FALSE(masker::make({.paths = {"$"}}));
  EXPECT_FALSE(make().mask_json_text("{not json"));
}

TEST(Masking, DeepNestingIsHiddenNotRecursed) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto out = make().mask_json_text(deep);
  ASSERT_TRUE(out);
  EXPECT_NE(out->find("\"***\""), std::string::npos);
}

TEST(Masking, FastEnoughForEveryLogLine) {
  auto m = make();
  std::string line =
      "2026-11-23T10:00:00Z DEBUG http [route=lapor msg=01J] body={\"nik\":\"3204011201900001\","
      "\"hp\":\"081234567890\",\"email\":\"budi@example.go.id\",\"keterangan\":\"jalan rusak "
      "di depan kantor desa, mohon segera diperbaiki\"}";
  auto start = std::chrono::steady_clock::now();
  std::size_t total = 0;
  for (int i = 0; i < 20000; ++i) total += m.mask_text(line).size();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(total, 0u);
  // ~5 MB of log text; generous bound for a shared debug build.
  EXPECT_LT(us, 5'000'000) << us << " us";
  std::printf("mask_text: %.2f us/line\n", static_cast<double>(us) / 20000);
}

}  // namespace
}  // namespace simpul::security
