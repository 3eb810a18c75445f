#include "hub/cli/map_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "mappings/mapping_file.h"

namespace simpul::cli {
namespace {

constexpr std::string_view map_usage =
    "usage: simpul map -m MAPPING [-i FILE]\n"
    "\n"
    "Applies a mapping file (docs/mappings.md) and prints the output.\n"
    "  -m MAPPING  the mapping YAML file\n"
    "  -i FILE     input document in the mapping's input format; stdin when absent\n";

void usage(std::FILE* to) { std::fwrite(map_usage.data(), 1, map_usage.size(), to); }

}  // namespace

int run_map_command(std::span<const std::string_view> args) {
  std::string mapping_path, input_path;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto a = args[i];
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    }
    if (a == "-m" && i + 1 < args.size()) {
      mapping_path = args[++i];
    } else if (a == "-i" && i + 1 < args.size()) {
      input_path = args[++i];
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (mapping_path.empty()) {
    usage(stderr);
    return 2;
  }
  auto m = mappings::mapping_file::load(mapping_path);
  if (!m) {
    std::fprintf(stderr, "simpul map: %s\n", mappings::to_string(m.error()).c_str());
    return 2;
  }
  std::string body;
  if (input_path.empty() || input_path == "-") {
    body.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(input_path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "simpul map: cannot read %s\n", input_path.c_str());
      return 2;
    }
    body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Without an `input:` block the mapping follows the content type: take it
  // from the file's extension (.xml, .csv), as a route would from the message.
  std::string content_type;
  if (!input_path.empty() && input_path != "-") {
    auto k = mappings::format_of_extension(input_path, mappings::data_format::kind::json);
    content_type = std::string(mappings::content_type_of(k));
  }
  auto out = (*m)->apply(body, content_type);
  if (!out) {
    std::fprintf(stderr, "simpul map: %s\n", mappings::to_string(out.error()).c_str());
    return 1;
  }
  std::fwrite(out->body.data(), 1, out->body.size(), stdout);
  if (out->body.empty() || out->body.back() != '\n') std::fputc('\n', stdout);
  return 0;
}

}  // namespace simpul::cli
