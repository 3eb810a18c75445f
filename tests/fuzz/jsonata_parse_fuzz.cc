// libFuzzer target for the JSONata parser (lexer, Pratt parser, AST
// post-processing). Every input must either compile or come back as an
// error value with a code; nothing may crash, hang or leak.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mappings/jsonata/jsonata.h"

using namespace simpul::mappings::jsonata;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto compiled = compile(text);
  if (!compiled) {
    const auto& e = compiled.error();
    // syntax errors are S0xxx; a regex or signature inside may raise D/T codes
    if (e.code.size() != 5) std::abort();
    if (e.position > static_cast<std::int64_t>(size) + 1) std::abort();
  }
  return 0;
}
