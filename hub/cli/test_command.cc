#include "hub/cli/test_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "mappings/mapping_file.h"

namespace simpul::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view test_usage =
    "usage: simpul test [PATH...]\n"
    "\n"
    "Runs the examples of mapping files. A PATH is a mapping file or a\n"
    "directory searched recursively for *.yaml files with an 'expression' or\n"
    "'fields' key; default '.'. Prints PASS/FAIL per example, a diff for each\n"
    "failure, and last 'N passed, N failed'. Exit code 1 on any failure.\n";

bool is_yaml(const fs::path& p) { return p.extension() == ".yaml" || p.extension() == ".yml"; }

// Mapping files under `root`, sorted so runs are reproducible.
std::vector<fs::path> collect(const fs::path& root, std::error_code& ec) {
  std::vector<fs::path> out;
  if (!fs::is_directory(root, ec)) {
    if (!ec) out.push_back(root);
    return out;
  }
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && is_yaml(it->path()) && mappings::mapping_file::looks_like_mapping(it->path()))
      out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

int run_test_command(std::span<const std::string_view> args) {
  std::vector<fs::path> roots;
  for (auto a : args) {
    if (a == "--help" || a == "-h") {
      std::fwrite(test_usage.data(), 1, test_usage.size(), stdout);
      return 0;
    }
    if (!a.empty() && a[0] == '-') {
      std::fwrite(test_usage.data(), 1, test_usage.size(), stderr);
      return 2;
    }
    roots.emplace_back(a);
  }
  if (roots.empty()) roots.emplace_back(".");
  int passed = 0, failed = 0;
  for (const auto& root : roots) {
    std::error_code ec;
    auto files = collect(root, ec);
    if (ec) {
      std::printf("FAIL %s: %s\n", root.string().c_str(), ec.message().c_str());
      ++failed;
      continue;
    }
    for (const auto& file : files) {
      auto m = mappings::mapping_file::load(file);
      if (!m) {
        std::printf("FAIL %s: %s\n", file.string().c_str(), mappings::to_string(m.error()).c_str());
        ++failed;
        continue;
      }
      for (const auto& r : (*m)->run_examples()) {
        std::printf("%s %s: %s\n", r.passed ? "PASS" : "FAIL", file.string().c_str(), r.name.c_str());
        for (const auto& d : r.differences) std::printf("    %s\n", d.c_str());
        (r.passed ? passed : failed)++;
      }
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed > 0 ? 1 : 0;
}

}  // namespace simpul::cli
