#include "hub/cli/validate_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "tests/hub/config/test_factories.h"

namespace simpul::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct run_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs the real binary with `args` (already shell-safe), capturing both streams.
run_result run_simpul(const config::testing::temp_dir& dir, const std::string& args) {
  auto out = dir.path() / "stdout.txt";
  auto err = dir.path() / "stderr.txt";
  std::string cmd =
      std::string(SIMPUL_BINARY_DIR "/simpul ") + args + " >" + out.string() + " 2>" + err.string();
  int status = std::system(cmd.c_str());
  run_result r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(ValidateBinary, ThreeMistakesGiveExitOneAndOneLinePerProblem) {
  config::testing::temp_dir dir;
  ::setenv("SIMPUL_E2E_TOKEN", "e2e-t0ken-value", 1);
  auto file = dir.write("simpul.yaml",
                        "hub:\n"
                        "  threads: zero\n"
                        "  admin:\n"
                        "    token: ${env:SIMPUL_E2E_TOKEN}\n"
                        "    token: again\n"
                        "mappings:\n"
                        "  lapor: mappings/missing.yaml\n");
  auto r = run_simpul(dir, "validate -c " + file.string());
  ::unsetenv("SIMPUL_E2E_TOKEN");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  auto lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 4u) << r.err;
  EXPECT_EQ(lines[0],
            file.string() + ":2:12: hub.threads: 'zero' is not a whole number (expected e.g. 10)");
  EXPECT_EQ(lines[1],
            file.string() + ":5:5: yaml: duplicate key 'token' (first defined at line 4)");
  EXPECT_EQ(lines[2], file.string() +
                          ":7:10: mappings.lapor: mapping file "
                          "'mappings/missing.yaml' does not exist (looked for " +
                          (dir.path() / "mappings/missing.yaml").string() + ")");
  EXPECT_EQ(lines[3], file.string() + ": 3 problems");
  EXPECT_THAT(r.err, Not(HasSubstr("e2e-t0ken-value")));
}

TEST(ValidateBinary, ValidConfigSaysOkOrNothingWhenQuiet) {
  config::testing::temp_dir dir;
  dir.write("mappings/m.yaml", "expr: $\n");
  auto file = dir.write("simpul.yaml", "hub: {name: t}\nmappings: {m: mappings/m.yaml}\n");
  auto r = run_simpul(dir, "validate -c " + file.string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, file.string() + ": ok (0 connectors, 0 routes)\n");
  EXPECT_EQ(r.err, "");
  auto quiet = run_simpul(dir, "validate --quiet --config=" + file.string());
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.out, "");
}

TEST(ValidateBinary, UsageErrorsAndHelp) {
  config::testing::temp_dir dir;
  auto none = run_simpul(dir, "validate");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("no config file given"));
  auto help = run_simpul(dir, "validate --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("usage: simpul validate -c FILE"));
  auto missing = run_simpul(dir, "validate -c " + (dir.path() / "nope.yaml").string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("nope.yaml: file: cannot open the config file"));
}

TEST(ValidateFile, UsesTheGivenRegistry) {
  config::testing::temp_dir dir;
  auto file = dir.write("simpul.yaml",
                        "connectors:\n  q: {type: test_queue}\n"
                        "routes:\n  r: {from: {connector: q, topic: a}, to: {connector: q, "
                        "topic: b}}\n");
  auto reg = config::testing::make_test_registry();
  auto out_path = dir.path() / "out.txt";
  std::FILE* out = std::fopen(out_path.c_str(), "w");
  ASSERT_NE(out, nullptr);
  int code = validate_file(file, reg, false, out, stderr);
  std::fclose(out);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(slurp(out_path), file.string() + ": ok (1 connectors, 1 routes)\n");
}

}  // namespace
}  // namespace simpul::cli
