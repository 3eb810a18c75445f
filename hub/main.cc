#include <cstdio>
#include <exception>
#include <string_view>
#include <vector>

#include "hub/cli/app.h"

int main(int argc, char** argv) {
  try {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    return simpul::cli::run_app(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "simpul: fatal: %s\n", e.what());
    return 70;
  }
}
