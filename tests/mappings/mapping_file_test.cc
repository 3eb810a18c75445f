#include "mappings/mapping_file.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "mappings/jsonata/json.h"
#include "tests/mappings/mapping_test_dir.h"

namespace simpul::mappings {
namespace {

using simpul::testing::temp_dir;

std::string json_of(const jsonata::value& v) {
  std::string s;
  jsonata::write_json(s, v);
  return s;
}

TEST(MappingFile, XmlInputExpressionLookupAndExamples) {
  temp_dir dir;
  dir.write("tables/kategori.csv", "kode_lama;kode_nasional\nINF-02;JALAN\nKES-01;KESEHATAN\n");
  dir.write("samples/lapor.xml",
            "<pengaduan><no_tiket>A1</no_tiket><tgl>17 Agustus 2024</tgl>"
            "<kategori kode=\"INF-02\">Jalan Rusak</kategori></pengaduan>");
  auto path = dir.write("lapor.yaml", R"y(name: lapor
version: "1"
input: {format: xml}
lookups:
  kategori: {file: tables/kategori.csv, key: kode_lama, value: kode_nasional}
expression: |
  {
    "id": pengaduan.no_tiket,
    "tanggal": $idDateToIso(pengaduan.tgl),
    "kategori": $lookup("kategori", pengaduan.kategori.`@kode`)
  }
examples:
  - name: sample
    input_file: samples/lapor.xml
    expected: {id: "A1", tanggal: "2024-08-17", kategori: JALAN}
  - name: wrong on purpose
    input: {pengaduan: {no_tiket: "B2", tgl: "1/2/2024"}}
    expected: {id: "B2", tanggal: "2024-02-02"}
)y");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  EXPECT_EQ((*m)->name(), "lapor");
  EXPECT_EQ((*m)->version(), "1");
  auto out = (*m)->apply(
      "<pengaduan><no_tiket>X</no_tiket><tgl>5/6/2024</tgl><kategori kode=\"KES-01\"/></pengaduan>", "");
  ASSERT_TRUE(out) << to_string(out.error());
  EXPECT_EQ(out->content_type, "application/json");
  EXPECT_EQ(out->body, R"({"id":"X","tanggal":"2024-06-05","kategori":"KESEHATAN"})");

  auto results = (*m)->run_examples();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].passed);
  EXPECT_FALSE(results[1].passed);
  ASSERT_EQ(results[1].differences.size(), 1u);
  EXPECT_EQ(results[1].differences[0], R"($.tanggal: expected "2024-02-02", got "2024-02-01")");
}

TEST(MappingFile, FieldsKeepKeyOrderAndDropUndefined) {
  temp_dir dir;
  auto path = dir.write("f.yaml", R"y(fields:
  z: nama
  a: "$maskNik(nik)"
  missing: tidak_ada
)y");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  EXPECT_EQ((*m)->name(), "f");
  auto out = (*m)->apply(R"({"nama":"Rina","nik":"3374036708929903"})", "application/json");
  ASSERT_TRUE(out) << to_string(out.error());
  EXPECT_EQ(out->body, R"({"z":"Rina","a":"3374********9903"})");
}

TEST(MappingFile, RepeatedFieldKeyKeepsFirstPlaceAndLastValue) {
  temp_dir dir;  // YAML lets a key repeat; the object gets it once
  auto path = dir.write("f.yaml", "fields:\n  a: nama\n  b: nik\n  a: kota\n  b: tidak_ada\n");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  auto out = (*m)->apply(R"({"nama":"Rina","nik":"1","kota":"Semarang"})", "application/json");
  ASSERT_TRUE(out) << to_string(out.error());
  EXPECT_EQ(out->body, R"({"a":"Semarang","b":"1"})");
}

TEST(MappingFile, SyntaxErrorPointsIntoTheFile) {
  temp_dir dir;
  auto path = dir.write("bad.yaml", "name: bad\nexpression: |\n  {\n    \"a\": 1 +* 2\n  }\n");
  auto m = mapping_file::load(path);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().file, path.string());
  EXPECT_EQ(m.error().line, 4);
  EXPECT_EQ(m.error().column, 15);  // the '2': `*` parses as a wildcard, then 2 is unexpected
  EXPECT_EQ(m.error().code, "S0202");  // expected "," or "}", got 2
  EXPECT_FALSE(m.error().code.empty());
  EXPECT_EQ(m.error().code[0], 'S');
}

TEST(MappingFile, SyntaxErrorInPlainFieldValue) {
  temp_dir dir;
  auto path = dir.write("bad.yaml", "fields:\n  ok: a\n  broken: \"a +* b\"\n");
  auto m = mapping_file::load(path);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().line, 3);
  EXPECT_EQ(m.error().column, 17);  // 'b' (after the opening quote at 11)
}

TEST(MappingFile, UnknownKeyAndYamlErrorsHavePositions) {
  temp_dir dir;
  auto p1 = dir.write("k.yaml", "expression: a\nexampels: []\n");
  auto m1 = mapping_file::load(p1);
  ASSERT_FALSE(m1);
  EXPECT_EQ(m1.error().code, "mapping.schema");
  EXPECT_EQ(m1.error().line, 2);
  EXPECT_EQ(m1.error().column, 1);
  auto p2 = dir.write("y.yaml", "expression: [a\n");
  auto m2 = mapping_file::load(p2);
  ASSERT_FALSE(m2);
  EXPECT_EQ(m2.error().code, "mapping.yaml");
  EXPECT_GT(m2.error().line, 0);
  auto m3 = mapping_file::load(dir.path() / "nope.yaml");
  ASSERT_FALSE(m3);
  EXPECT_EQ(m3.error().code, "mapping.io");
}

TEST(MappingFile, RunawayExpressionIsStopped) {
  temp_dir dir;
  auto path = dir.write("loop.yaml", "expression: '($f := function($n) { $f($n + 1) }; $f(0))'\n");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  auto out = (*m)->apply("{}", "application/json");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "U1001");
}

TEST(MappingFile, CsvInXmlOut) {
  temp_dir dir;
  auto path = dir.write("c.yaml", R"y(input: {format: csv, delimiter: ";"}
output: {format: xml, root: data}
expression: '{"baris": $.{"kode": $regionNormalize(kode)}}'
)y");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  auto out = (*m)->apply("kode;nama\n3204;Bandung\n3374;Semarang\n", "text/csv");
  ASSERT_TRUE(out) << to_string(out.error());
  EXPECT_EQ(out->content_type, "application/xml");
  EXPECT_NE(out->body.find("<baris><kode>32.04</kode></baris><baris><kode>33.74</kode></baris>"),
            std::string::npos)
      << out->body;
}

TEST(MappingFile, DomainErrorCodeSurfaces) {
  temp_dir dir;
  auto path = dir.write("d.yaml", "expression: $idDateToIso(tgl)\n");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  auto out = (*m)->apply(R"({"tgl":"31/02/2024"})", "application/json");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, "TANGGAL_TIDAK_VALID");
}

TEST(MappingFile, ContentTypeSelectsReaderWhenInputUnspecified) {
  temp_dir dir;
  auto path = dir.write("x.yaml", "expression: r.a\n");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  auto out = (*m)->apply("<r><a>1</a></r>", "application/xml");
  ASSERT_TRUE(out) << to_string(out.error());
  EXPECT_EQ(out->body, "\"1\"");
  auto inline_values = (*m)->examples();
  EXPECT_TRUE(inline_values.empty());
  // Media types compare case-insensitively; parameters do not name a format.
  auto upper = (*m)->apply("<r><a>2</a></r>", "Application/XML; Charset=UTF-8");
  ASSERT_TRUE(upper) << to_string(upper.error());
  EXPECT_EQ(upper->body, "\"2\"");
  auto param = (*m)->apply(R"({"r":{"a":3}})", "application/json; profile=\"xml\"");
  ASSERT_TRUE(param) << to_string(param.error());
  EXPECT_EQ(param->body, "3");
}

TEST(MappingFile, SampleFileExtensionPicksReaderWhenInputUnspecified) {
  temp_dir dir;
  dir.write("s/a.xml", "<r><a>1</a></r>");
  dir.write("s/b.csv", "a;b\r\n2;3\r\n");
  auto path = dir.write("x.yaml", R"y(expression: 'r ? r.a : $[0].a'
examples:
  - {name: xml, input_file: s/a.xml, expected: "1"}
  - {name: csv, input_file: s/b.csv, expected: "2"}
)y");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  auto results = (*m)->run_examples();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].passed) << (results[0].differences.empty() ? "" : results[0].differences[0]);
  EXPECT_TRUE(results[1].passed) << (results[1].differences.empty() ? "" : results[1].differences[0]);
  EXPECT_EQ(format_of_extension("dir.v2/file", data_format::kind::json), data_format::kind::json);
  EXPECT_EQ(format_of_extension("A.XML", data_format::kind::json), data_format::kind::xml);
}

TEST(MappingFile, ExampleAttributesAndHeadersAreBound) {
  temp_dir dir;
  auto path = dir.write("x.yaml", R"y(expression: '{"kab": $attributes.topic_1, "h": $headers.x, "v": v}'
examples:
  - name: bound
    input: {v: 1}
    attributes: {topic_1: "3204"}
    headers: {x: y}
    expected: {kab: "3204", h: y, v: 1}
  - name: unbound
    input: {v: 2}
    expected: {v: 2}
)y");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  auto results = (*m)->run_examples();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].passed) << (results[0].differences.empty() ? "" : results[0].differences[0]);
  EXPECT_TRUE(results[1].passed) << (results[1].differences.empty() ? "" : results[1].differences[0]);

  auto bad = dir.write("bad.yaml", "expression: v\nexamples:\n  - {input: 1, expected: 1, attributes: [a]}\n");
  auto b = mapping_file::load(bad);
  ASSERT_FALSE(b);
  EXPECT_NE(to_string(b.error()).find("attributes must be a map"), std::string::npos) << to_string(b.error());
}

TEST(MappingFile, LookupKeepsItsJsonataMeaningForObjects) {
  temp_dir dir;
  dir.write("t.csv", "k,v\nA,1\n");
  auto path = dir.write("x.yaml", R"y(lookups:
  t: {file: t.csv, key: k, value: v}
expression: '[$lookup("t", "A"), $lookup({"a": 2}, "a"), $lookup([{"a": 3}, {"b": 4}], "a")]'
)y");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  auto out = (*m)->apply("{}", "application/json");
  ASSERT_TRUE(out) << to_string(out.error());
  EXPECT_EQ(out->body, R"(["1",2,3])");
}

TEST(MappingFile, LooksLikeMapping) {
  temp_dir dir;
  EXPECT_TRUE(mapping_file::looks_like_mapping(dir.write("a.yaml", "fields: {a: b}\n")));
  EXPECT_FALSE(mapping_file::looks_like_mapping(dir.write("b.yaml", "routes: []\n")));
  EXPECT_FALSE(mapping_file::looks_like_mapping(dir.write("c.yaml", "[unclosed\n")));
}

TEST(MappingFile, InlineYamlScalarsKeepIdentifiersAsStrings) {
  temp_dir dir;
  auto path = dir.write("s.yaml", R"y(expression: $
examples:
  - input: {hp: 0812200044, n: 12, q: "12", b: true, z: ~}
    expected: {hp: "0812200044", n: 12, q: "12", b: true, z: null}
)y");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  auto r = (*m)->run_examples();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_TRUE(r[0].passed) << (r[0].differences.empty() ? "" : r[0].differences[0]);
  EXPECT_EQ(json_of((*m)->examples()[0].input), R"({"hp":"0812200044","n":12,"q":"12","b":true,"z":null})");
}

}  // namespace
}  // namespace simpul::mappings

namespace simpul::mappings {
namespace {

TEST(MappingFile, RegionTablesMakeRegionValidCheckExistence) {
  simpul::testing::temp_dir dir;
  dir.write("wilayah/provinsi.csv", "kode,nama\n32,Jawa Barat\n33,Jawa Tengah\n");
  dir.write("wilayah/kabupaten_kota.csv",
            "kode,kode_provinsi,jenis,nama\n32.04,32,KABUPATEN,Kabupaten Bandung\n33.74,33,KOTA,Kota Semarang\n");
  dir.write("wilayah/kecamatan.csv", "kode,kode_kabupaten_kota,nama\n32.04.05,32.04,Cileunyi\n33.74.03,33.74,Semarang Tengah\n");
  auto path = dir.write("r.yaml", "expression: '[$regionValid(\"32.04.05\"), $regionValid(\"33.74.99\"), "
                                  "$nikValid(\"3374036708929903\"), $nikValid(\"3399036708929903\")]'\n");
  mapping_load_options with_tables;
  with_tables.region_tables = dir.path() / "wilayah";
  auto m = mapping_file::load(path, with_tables);
  ASSERT_TRUE(m) << to_string(m.error());
  auto out = (*m)->apply("null", "application/json");
  ASSERT_TRUE(out) << to_string(out.error());
  EXPECT_EQ(out->body, "[true,false,true,false]");

  auto format_only = mapping_file::load(path);  // no tables: format checks only
  ASSERT_TRUE(format_only) << to_string(format_only.error());
  auto out2 = (*format_only)->apply("null", "application/json");
  ASSERT_TRUE(out2) << to_string(out2.error());
  EXPECT_EQ(out2->body, "[true,true,true,true]");

  mapping_load_options missing;
  missing.region_tables = dir.path() / "nope";
  EXPECT_FALSE(mapping_file::load(path, missing));
}

TEST(MappingFile, ConcurrentApplySharesOneMapping) {
  simpul::testing::temp_dir dir;
  dir.write("t.csv", "k,v\na,1\nb,2\n");
  auto path = dir.write("c.yaml", "lookups: {t: {file: t.csv, key: k, value: v}}\n"
                                  "expression: '{\"v\": $lookup(\"t\", k), \"hp\": $maskPhone(hp)}'\n");
  auto m = mapping_file::load(path);
  ASSERT_TRUE(m) << to_string(m.error());
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::string key = (i + t) % 2 ? "a" : "b";
        auto out = (*m)->apply(R"({"k":")" + key + R"(","hp":"0812-2000-4417"})", "application/json");
        std::string want = std::string(R"({"v":")") + (key == "a" ? "1" : "2") + R"(","hp":"+62812*****417"})";
        if (out && out->body == want) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 800);
}

}  // namespace
}  // namespace simpul::mappings
