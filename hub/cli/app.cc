#include "hub/cli/app.h"

#include "hub/cli/eval_command.h"

#include <cstdio>
#include <string>

#include "hub/cli/audit_command.h"
#include "hub/cli/connectors_command.h"
#include "hub/cli/dlq_command.h"
#include "hub/cli/map_command.h"
#include "hub/cli/test_command.h"
#include "hub/cli/run_command.h"
#include "hub/cli/validate_command.h"

namespace simpul::cli {
namespace {

constexpr std::string_view usage_text =
    "usage: simpul <command> [options]\n"
    "\n"
    "commands:\n"
    "  run -c FILE        run the hub\n"
    "  validate -c FILE   check a config and print every problem\n"
    "  connectors         list connector types (--markdown: config reference)\n"
    "  dlq list|show|replay|purge   the dead-letter queue of a running hub\n"
    "  eval EXPR          evaluate a JSONata expression\n"
    "  map -m MAPPING     apply a mapping file\n"
    "  test [PATH...]     run the examples of mapping files\n"
    "  audit verify FILE  check an audit log's chain (--key KEYFILE)\n"
    "  version            print the version\n"
    "\n"
    "Run 'simpul <command> --help' for a command's options.\n";

void print(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

}  // namespace

int run_app(std::span<const std::string_view> args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print(usage_text);
    return args.empty() ? 2 : 0;
  }
  auto cmd = args[0];
  if (cmd == "run") return run_run(args.subspan(1));
  if (cmd == "validate") return run_validate(args.subspan(1));
  if (cmd == "connectors") return run_connectors(args.subspan(1));
  if (cmd == "dlq") return run_dlq_command(args.subspan(1));
  if (cmd == "version" || cmd == "--version") {
    print("simpul " SIMPUL_VERSION "\n");
    return 0;
  }
  if (cmd == "eval") return run_eval_command(args.subspan(1));
  if (cmd == "map") return run_map_command(args.subspan(1));
  if (cmd == "test") return run_test_command(args.subspan(1));
  if (cmd == "audit") return run_audit_command(args.subspan(1));
  std::fprintf(stderr, "simpul: unknown command '%.*s'\n\n", static_cast<int>(cmd.size()),
               cmd.data());
  std::fwrite(usage_text.data(), 1, usage_text.size(), stderr);
  return 2;
}

}  // namespace simpul::cli
