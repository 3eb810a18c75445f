// libFuzzer target for the JSONata evaluator: compiles the input and
// evaluates it against a small fixed document with the runaway guard on
// (depth and time limits), so recursion and huge ranges end as U1001.
// Results must serialise; errors must carry a code.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mappings/jsonata/json.h"
#include "mappings/jsonata/jsonata.h"

using namespace simpul::mappings::jsonata;

namespace {

const value& fixed_input() {
  static const value input = [] {
    auto v = parse_json(R"({"name":"Budi","age":42,"tags":["a","b",null],
      "items":[{"sku":"X1","price":10.5,"qty":2},{"sku":"X2","price":3,"qty":7}],
      "address":{"city":"Bandung","zip":"40115","geo":[-6.9,107.6]},"ok":true,"n":null})");
    return v ? *v : value();
  }();
  return input;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto compiled = compile(text);
  if (!compiled) return 0;
  evaluate_options opts;
  opts.max_depth = 300;
  opts.time_limit = std::chrono::milliseconds(200);
  bindings vars{{"v", value::number(3)}};
  auto r = compiled->evaluate(fixed_input(), vars, opts);
  if (!r) {
    if (r.error().code.size() != 5) std::abort();
    return 0;
  }
  std::string out;
  write_json(out, *r);
  if (!r->is_undefined() && !r->is_function() && out.empty()) std::abort();
  return 0;
}
