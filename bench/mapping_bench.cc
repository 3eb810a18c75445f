// Evaluations per second of a typical SPBE mapping (bench/mapping/): field
// renames, an Indonesian DD/MM/YYYY date to ISO 8601, uppercase, a sum over
// items, a constant and nested objects over a ~1 KB record. The expression
// is compiled once; each evaluation optionally parses the record (as the
// hub does per message), then evaluates and serialises.
//
// With --js DIR (a folder where `npm install jsonata` was run, see
// mapping_bench.sh) the same mapping is run on jsonata-js in the same run
// and the ratio is printed. Peak RSS of this process is printed at the end.
//
// usage: mapping_bench [seconds] [--js DIR]
//        mapping_bench SECONDS FILE RECORD.json
//        mapping_bench --count N FILE RECORD.json [--hub-vars]
// The second form (bench/run.sh, scenario "mapping") times FILE over the
// record, parse + evaluate + serialize per evaluation, and prints one JSON
// line: FILE is a mapping YAML (run as the hub runs a `map` step) or a plain
// JSONata expression. With --count N instead of SECONDS it runs exactly N
// evaluations (no clock reads in the loop), so instruction counts under
// valgrind --tool=callgrind divide cleanly into a cost per call. With
// --hub-vars each evaluation also gets the variables a hub `map` step binds
// ($headers, $attributes, $id, $route; see hub/route/jsonata_provider.cc),
// built per message as the hub builds them.

#include <sys/resource.h>

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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs the jsonata-js half and returns its evaluate+serialize rate (0 on failure).
double run_js(const std::string& dir, double seconds) {
  std::string cmd = "node '" SIMPUL_BENCH_DIR "/mapping_bench.mjs' '" + dir + "' " + std::to_string(seconds);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return 0;
  double rate = 0;
  char line[8192];
  while (std::fgets(line, sizeof line, p)) {
    std::string l(line);
    if (l.rfind("{", 0) != 0) std::fputs(line, stdout);
    if (auto at = l.find("evaluate+serialize:"); at == 0) rate = std::atof(l.c_str() + 19);
  }
  return pclose(p) == 0 ? rate : 0;
}

template <class F>
double time_loop(double seconds, F&& one) {
  if (seconds < 0) {  // --count: a fixed number of evaluations, untimed
    for (long i = 0, n = static_cast<long>(-seconds); i < n; ++i) one();
    return 0;
  }
  auto start = std::chrono::steady_clock::now();
  long n = 0;
  for (;;) {
    for (int i = 0; i < 200; ++i) one();
    n += 200;
    double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (el >= seconds) return n / el;
  }
}

// The bindings hub/route/jsonata_provider.cc gives a mapping for one HTTP
// message (typical request headers, no attributes).
js::bindings hub_bindings() {
  static const std::pair<const char*, const char*> headers[] = {
      {"host", "127.0.0.1:8080"}, {"user-agent", "wrk"}, {"content-type", "application/json"},
      {"content-length", "321"}, {"accept", "*/*"}};
  auto h = js::value::new_object();
  for (const auto& [k, v] : headers) h.set(js::value::string(k), js::value::string(v));
  return {{"headers", h},
          {"attributes", js::value::new_object()},
          {"id", js::value::string("01JD3Z4W8Q2N6V5X7Y9A0B1C2D")},
          {"route", js::value::string("lapor-proxy")}};
}

int run_file(double seconds, const std::string& file, const std::string& record_file, bool hub_vars = false) {
  std::string record_text = read_file(record_file);
  std::string out;
  double rate = 0;
  if (file.ends_with(".yaml")) {
    auto m = simpul::mappings::mapping_file::load(file);
    if (!m) {
      std::fprintf(stderr, "%s: %s\n", file.c_str(), simpul::mappings::to_string(m.error()).c_str());
      return 1;
    }
    rate = time_loop(seconds, [&] {
      auto r = hub_vars ? (*m)->apply(record_text, "application/json", hub_bindings())
                        : (*m)->apply(record_text, "application/json");
      if (r) out = std::move(r->body);
    });
  } else {
    auto expr = js::compile(read_file(file));
    if (!expr) {
      std::fprintf(stderr, "compile %s: %s\n", file.c_str(), expr.error().message.c_str());
      return 1;
    }
    rate = time_loop(seconds, [&] {
      auto in = js::parse_json(record_text);
      out.clear();
      if (!in) return;
      auto r = expr->evaluate(*in);
      if (r) js::write_json(out, *r);
    });
  }
  if (out.empty()) {
    std::fprintf(stderr, "%s produced no output\n", file.c_str());
    return 1;
  }
  std::printf("{\"evals_s\":%.1f,\"output_bytes\":%zu}\n", rate, out.size());
  std::fprintf(stderr, "%s\n", out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if ((argc == 5 || (argc == 6 && std::string(argv[5]) == "--hub-vars")) && std::string(argv[1]) == "--count")
    return run_file(-std::atof(argv[2]), argv[3], argv[4], argc == 6);
  if (argc == 4 && std::string(argv[1]) != "--js" && std::string(argv[2]) != "--js")
    return run_file(std::atof(argv[1]), argv[2], argv[3]);
  double seconds = 2.0;
  std::string js_dir;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--js" && i + 1 < argc)
      js_dir = argv[++i];
    else
      seconds = std::atof(argv[i]);
  }
  const std::string record = read_file(SIMPUL_BENCH_DIR "/mapping/record.json");
  auto expr = js::compile(read_file(SIMPUL_BENCH_DIR "/mapping/mapping.jsonata"));
  if (!expr) {
    std::fprintf(stderr, "compile: %s\n", expr.error().message.c_str());
    return 1;
  }
  auto input = js::parse_json(record);
  if (!input) {
    std::fprintf(stderr, "record: %s\n", input.error().c_str());
    return 1;
  }
  std::string out;
  auto run = [&](bool parse_each) {
    auto start = std::chrono::steady_clock::now();
    long n = 0;
    for (;;) {
      for (int i = 0; i < 200; ++i) {
        js::value in = parse_each ? *js::parse_json(record) : *input;
        auto r = expr->evaluate(in);
        if (!r) {
          std::fprintf(stderr, "evaluate: %s\n", r.error().message.c_str());
          std::exit(1);
        }
        out.clear();
        js::write_json(out, *r);
      }
      n += 200;
      double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (el >= seconds) return n / el;
    }
  };
  double with_parse = run(true);
  double eval_only = run(false);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("record %zu bytes, output %zu bytes\n", record.size(), out.size());
  std::printf("simpul\n");
  std::printf("parse+evaluate+serialize: %.0f evaluations/s\n", with_parse);
  std::printf("evaluate+serialize:       %.0f evaluations/s\n", eval_only);
  std::printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
  std::printf("%s\n", out.c_str());
  if (!js_dir.empty()) {
    double js_rate = run_js(js_dir, seconds);
    if (js_rate <= 0) {
      std::fprintf(stderr, "jsonata-js run failed (is jsonata installed in %s?)\n", js_dir.c_str());
      return 1;
    }
    std::printf("simpul / jsonata-js (evaluate+serialize): %.1fx\n", eval_only / js_rate);
  }
  return 0;
}
