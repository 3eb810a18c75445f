// Evaluations per second of a typical SPBE mapping over a ~1 KB record:
// field renames, a date conversion, uppercase, a sum over items and a
// nested object. Input is parsed once per evaluation (as the hub does per
// message) and separately excluded, to show both costs.
//
// usage: mapping_bench [seconds]
//        mapping_bench SECONDS FILE RECORD.json
// The second form (bench/run.sh, scenario "mapping") times FILE over the
// record, parse + evaluate + serialize per evaluation, and prints one JSON
// line: FILE is a mapping YAML (run as the hub runs a `map` step) or a plain
// JSONata expression.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "mappings/mapping_file.h"

#include "mappings/jsonata/json.h"
#include "mappings/jsonata/jsonata.h"

namespace js = simpul::mappings::jsonata;

namespace {

const char* const record = R"({
  "id_laporan": "LPR-2024-000123", "nik_pelapor": "3201234567890001", "nama": "siti rahmawati",
  "tgl_lapor": "2024-03-15", "kategori": "infrastruktur", "kode_wilayah": "32.01.05",
  "alamat": {"jalan": "Jl. Merdeka No. 10", "kelurahan": "Sukamaju", "kecamatan": "Cibinong",
             "kabupaten": "Bogor", "provinsi": "Jawa Barat", "kode_pos": "16911"},
  "status": "baru", "prioritas": 2, "channel": "mobile",
  "items": [
    {"kode": "A1", "uraian": "perbaikan jalan berlubang", "jumlah": 3, "harga": 1250000},
    {"kode": "B2", "uraian": "lampu jalan mati", "jumlah": 5, "harga": 350000},
    {"kode": "C3", "uraian": "saluran air tersumbat", "jumlah": 2, "harga": 780000},
    {"kode": "D4", "uraian": "trotoar rusak", "jumlah": 4, "harga": 560000}
  ],
  "catatan": "mohon segera ditindaklanjuti karena membahayakan pengguna jalan",
  "lampiran": [{"nama": "foto1.jpg", "ukuran": 204800}, {"nama": "foto2.jpg", "ukuran": 198000}]
})";

const char* const mapping = R"({
  "reportId": id_laporan,
  "reporter": { "nik": nik_pelapor, "name": $uppercase(nama) },
  "reportedAt": tgl_lapor & "T00:00:00+07:00",
  "category": $uppercase(kategori),
  "region": kode_wilayah,
  "address": {
    "street": alamat.jalan, "village": alamat.kelurahan, "district": alamat.kecamatan,
    "city": alamat.kabupaten, "province": alamat.provinsi, "postcode": alamat.kode_pos
  },
  "status": status = "baru" ? "NEW" : "OPEN",
  "priority": prioritas,
  "totalCost": $sum(items.(jumlah * harga)),
  "itemCount": $count(items),
  "items": items.{ "code": kode, "description": uraian, "amount": jumlah * harga },
  "attachments": lampiran.nama
})";

std::string read_all(const char* path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

template <class F>
double time_loop(double seconds, F&& one) {
  auto start = std::chrono::steady_clock::now();
  long n = 0;
  for (;;) {
    for (int i = 0; i < 200; ++i) one();
    n += 200;
    double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (el >= seconds) return n / el;
  }
}

int run_file(double seconds, const char* file, const char* record_file) {
  std::string record_text = read_all(record_file);
  std::string name = file;
  std::string out;
  std::size_t bytes = 0;
  double rate = 0;
  if (name.size() > 5 && name.substr(name.size() - 5) == ".yaml") {
    auto m = simpul::mappings::mapping_file::load(file);
    if (!m) {
      std::fprintf(stderr, "%s: %s\n", file, simpul::mappings::to_string(m.error()).c_str());
      return 1;
    }
    rate = time_loop(seconds, [&] {
      auto r = (*m)->apply(record_text, "application/json");
      if (r) out = std::move(r->body);
      bytes += out.size();
    });
  } else {
    auto expr = js::compile(read_all(file));
    if (!expr) {
      std::fprintf(stderr, "compile %s: %s\n", file, expr.error().message.c_str());
      return 1;
    }
    rate = time_loop(seconds, [&] {
      auto in = js::parse_json(record_text);
      auto r = expr->evaluate(*in);
      out.clear();
      if (r) js::write_json(out, *r);
      bytes += out.size();
    });
  }
  if (out.empty()) {
    std::fprintf(stderr, "%s produced no output\n", file);
    return 1;
  }
  std::printf("{\"evals_s\":%.1f,\"output_bytes\":%zu}\n", rate, out.size());
  std::fprintf(stderr, "%s\n", out.c_str());
  return bytes > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  if (argc > 3) return run_file(seconds, argv[2], argv[3]);
  auto expr = js::compile(mapping);
  if (!expr) {
    std::fprintf(stderr, "compile: %s\n", expr.error().message.c_str());
    return 1;
  }
  auto input = js::parse_json(record);
  std::string out;
  auto run = [&](bool parse_each) {
    auto start = std::chrono::steady_clock::now();
    long n = 0;
    std::size_t bytes = 0;
    for (;;) {
      for (int i = 0; i < 200; ++i) {
        js::value in = parse_each ? *js::parse_json(record) : *input;
        auto r = expr->evaluate(in);
        out.clear();
        js::write_json(out, *r);
        bytes += out.size();
      }
      n += 200;
      double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (el >= seconds) return std::pair<double, std::size_t>(n / el, bytes);
    }
  };
  auto [with_parse, b1] = run(true);
  auto [eval_only, b2] = run(false);
  std::printf("record %zu bytes, output %zu bytes\n", std::string(record).size(), out.size());
  std::printf("parse+evaluate+serialize: %.0f evaluations/s\n", with_parse);
  std::printf("evaluate+serialize:       %.0f evaluations/s\n", eval_only);
  std::printf("%s\n", out.c_str());
  return b1 + b2 > 0 ? 0 : 1;
}
