// Runs the real binary: `simpul test` over a directory with one passing and
// one failing example, and `simpul map` over a file.

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

#include "tests/mappings/mapping_test_dir.h"

namespace {

struct run_result {
  std::string out;
  int exit_code = -1;
};

run_result run(const std::string& command) {
  run_result r;
  std::FILE* p = ::popen(command.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string last_line(const std::string& s) {
  auto end = s.find_last_not_of('\n');
  if (end == std::string::npos) return {};
  auto start = s.rfind('\n', end);
  return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

const std::string simpul = std::string(SIMPUL_BINARY_DIR) + "/simpul";

TEST(SimpulTestCommand, ReportsPassAndFailWithDiff) {
  simpul::testing::temp_dir dir;
  dir.write("maps/nik.yaml", R"y(name: nik
fields:
  tanggal_lahir: "$nikParse(nik).birthDate"
  nik: "$maskNik(nik)"
examples:
  - name: passes
    input: {nik: "3374036708929903"}
    expected: {tanggal_lahir: "1992-08-27", nik: "3374********9903"}
  - name: fails
    input: {nik: "3374010101759904"}
    expected: {tanggal_lahir: "1975-01-02", nik: "3374********9904"}
)y");
  dir.write("maps/not_a_mapping.yaml", "routes: []\n");
  auto r = run(simpul + " test " + dir.path().string() + " 2>&1");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(last_line(r.out), "1 passed, 1 failed") << r.out;
  EXPECT_NE(r.out.find("PASS "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": passes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("$.tanggal_lahir: expected \"1975-01-02\", got \"1975-01-01\""), std::string::npos)
      << r.out;

  auto all_ok = run(simpul + " test " + (dir.path() / "maps/not_a_mapping.yaml").string() + " 2>&1");
  EXPECT_EQ(all_ok.exit_code, 1) << all_ok.out;  // named explicitly: it must load

  auto help = run(simpul + " test --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: simpul test"), std::string::npos);
}

TEST(SimpulMapCommand, MapsAFileAndReadsStdin) {
  simpul::testing::temp_dir dir;
  auto mapping = dir.write("m.yaml", "input: {format: xml}\nexpression: '{\"tgl\": $idDateToIso(r.t)}'\n");
  auto input = dir.write("in.xml", "<r><t>17 Agustus 2024</t></r>");
  auto r = run(simpul + " map -m " + mapping.string() + " -i " + input.string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "{\"tgl\":\"2024-08-17\"}\n");
  auto s = run("echo '<r><t>5/6/2024</t></r>' | " + simpul + " map -m " + mapping.string());
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_EQ(s.out, "{\"tgl\":\"2024-06-05\"}\n");
  auto bad = run("echo '<r><t>31/02/2024</t></r>' | " + simpul + " map -m " + mapping.string() + " 2>&1");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("TANGGAL_TIDAK_VALID"), std::string::npos) << bad.out;
}

}  // namespace
