#include "hub/cli/connectors_command.h"

#include <cstdio>
#include <string>

#include "connectors/registry.h"
#include "hub/config/spec_markdown.h"

namespace simpul::cli {
namespace {

constexpr std::string_view help_text =
    "usage: simpul connectors [--markdown]\n"
    "\n"
    "Lists the connector types compiled into this binary.\n"
    "  --markdown   print the config reference generated from the specs\n";

void write(std::FILE* f, std::string_view s) { std::fwrite(s.data(), 1, s.size(), f); }

}  // namespace

int run_connectors(std::span<const std::string_view> args) {
  bool markdown = false;
  for (auto a : args) {
    if (a == "-h" || a == "--help") {
      write(stdout, help_text);
      return 0;
    }
    if (a != "--markdown") {
      write(stderr, "simpul connectors: unexpected argument '" + std::string(a) + "'\n\n");
      write(stderr, help_text);
      return 2;
    }
    markdown = true;
  }
  connectors::registry reg;
  connectors::register_all(reg);
  if (markdown) {
    write(stdout, "## Hub keys\n\n" + config::hub_reference_markdown() +
                      "\n## Connector types\n\n" + config::connectors_markdown(reg));
    return 0;
  }
  for (const auto& name : reg.names()) {
    const auto& spec = reg.find(name)->spec();
    std::string roles = spec.input && spec.output ? "in/out" : spec.input ? "in" : "out";
    write(stdout, name + "\t" + roles + "\t" + spec.summary + "\n");
  }
  return 0;
}

}  // namespace simpul::cli
