#include "hub/cli/validate_command.h"

#include <string>

#include "connectors/registry.h"
#include "hub/config/config_loader.h"

namespace simpul::cli {
namespace {

constexpr std::string_view help_text =
    "usage: simpul validate -c FILE [--quiet]\n"
    "\n"
    "Checks a hub config without starting anything: YAML syntax, every field of\n"
    "every section against the connector types compiled into this binary, the\n"
    "names routes refer to, and that mapping and schema files exist.\n"
    "\n"
    "  -c, --config FILE  the config file\n"
    "  -q, --quiet        print nothing when the config is valid\n"
    "  -h, --help         this text\n"
    "\n"
    "Every problem is printed to stderr as FILE:LINE:COL: path: message.\n"
    "Exit status: 0 valid, 1 invalid, 2 usage error.\n";

void write(std::FILE* f, std::string_view s) { std::fwrite(s.data(), 1, s.size(), f); }

int usage_error(std::string_view why) {
  write(stderr, "simpul validate: ");
  write(stderr, why);
  write(stderr, "\n\n");
  write(stderr, help_text);
  return 2;
}

}  // namespace

int validate_file(const std::filesystem::path& file, const connectors::registry& reg, bool quiet,
                  std::FILE* out, std::FILE* err) {
  auto cfg = config::load_config(file, reg);
  if (!cfg) {
    for (const auto& p : cfg.error()) write(err, config::format_problem(p) + "\n");
    auto n = cfg.error().size();
    write(err, file.string() + ": " + std::to_string(n) + (n == 1 ? " problem\n" : " problems\n"));
    return 1;
  }
  if (!quiet) {
    write(out, file.string() + ": ok (" + std::to_string(cfg->connectors.size()) + " connectors, " +
                   std::to_string(cfg->routes.size()) + " routes)\n");
  }
  return 0;
}

int run_validate(std::span<const std::string_view> args) {
  std::string file;
  bool quiet = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto a = args[i];
    if (a == "-h" || a == "--help") {
      write(stdout, help_text);
      return 0;
    }
    if (a == "-q" || a == "--quiet") {
      quiet = true;
    } else if (a == "-c" || a == "--config") {
      if (i + 1 >= args.size()) return usage_error("-c needs a file");
      file = args[++i];
    } else if (a.starts_with("--config=")) {
      file = a.substr(9);
    } else {
      return usage_error("unexpected argument '" + std::string(a) + "'");
    }
  }
  if (file.empty()) return usage_error("no config file given (-c FILE)");
  connectors::registry reg;
  connectors::register_all(reg);
  return validate_file(file, reg, quiet, stdout, stderr);
}

}  // namespace simpul::cli
