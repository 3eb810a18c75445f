#include "hub/cli/eval_command.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "mappings/jsonata/batch.h"
#include "mappings/jsonata/json.h"
#include "mappings/jsonata/jsonata.h"

namespace simpul::cli {
namespace {

constexpr std::string_view eval_usage =
    "usage: simpul eval EXPR [-i FILE|-] [--pretty]\n"
    "       simpul eval --batch\n"
    "\n"
    "Evaluates a JSONata expression and prints the result as JSON.\n"
    "  -i FILE    input document (JSON); '-' reads stdin; none: no input\n"
    "  --pretty   indent the output\n"
    "  --batch    conformance batch protocol: one JSON request per line on\n"
    "             stdin, one JSON response per line on stdout\n";

bool read_all(std::string_view path, std::string& out) {
  if (path == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream f{std::string(path), std::ios::binary};
  if (!f) return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

}  // namespace

int run_eval_command(std::span<const std::string_view> args) {
  namespace js = simpul::mappings::jsonata;
  std::string_view expr_text, input_path;
  bool have_expr = false, pretty = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--help" || a == "-h") {
      std::fwrite(eval_usage.data(), 1, eval_usage.size(), stdout);
      return 0;
    }
    if (a == "--batch") {
      std::ios::sync_with_stdio(false);
      return js::run_batch(std::cin, std::cout);
    }
    if (a == "--pretty") {
      pretty = true;
    } else if (a == "-i" && i + 1 < args.size()) {
      input_path = args[++i];
    } else if (!have_expr) {
      expr_text = a;
      have_expr = true;
    } else {
      std::fwrite(eval_usage.data(), 1, eval_usage.size(), stderr);
      return 2;
    }
  }
  if (!have_expr) {
    std::fwrite(eval_usage.data(), 1, eval_usage.size(), stderr);
    return 2;
  }
  js::value input;
  if (!input_path.empty()) {
    std::string text;
    if (!read_all(input_path, text)) {
      std::fprintf(stderr, "simpul eval: cannot read %.*s\n", static_cast<int>(input_path.size()),
                   input_path.data());
      return 2;
    }
    auto parsed = js::parse_json(text);
    if (!parsed) {
      std::fprintf(stderr, "simpul eval: input is not JSON: %s\n", parsed.error().c_str());
      return 2;
    }
    input = std::move(*parsed);
  }
  auto compiled = js::compile(expr_text);
  auto report = [](const js::jsonata_error& e) {
    std::fprintf(stderr, "%s: %s", e.code.c_str(), e.message.c_str());
    if (e.position >= 0) std::fprintf(stderr, " (at %lld)", static_cast<long long>(e.position));
    std::fprintf(stderr, "\n");
    return 1;
  };
  if (!compiled) return report(compiled.error());
  auto result = compiled->evaluate(input);
  if (!result) return report(result.error());
  std::string out;
  js::json_style style;
  style.pretty = pretty;
  js::write_json(out, *result, style);
  out += '\n';
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace simpul::cli
