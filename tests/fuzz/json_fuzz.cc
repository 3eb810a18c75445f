// libFuzzer target for JSON and NDJSON reading. Checks that what parses
// writes back to text that parses to the same document. Compared as text:
// RapidJSON's operator== finds an object with duplicate keys unequal to
// itself.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mappings/formats/json.h"
#include "mappings/formats/ndjson.h"

using namespace simpul::mappings::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = parse_json(text);
  if (doc) {
    auto again = parse_json(write_json(*doc, json_style::pretty));
    if (!again || write_json(*again) != write_json(*doc)) std::abort();
  } else if (doc.error().line < 1 || doc.error().column < 1) {
    std::abort();
  }
  auto lines = read_ndjson(text, true);
  if (lines) {
    auto again = read_ndjson(write_ndjson(lines->values));
    if (!again || write_json(again->values) != write_json(lines->values)) std::abort();
  }
  return 0;
}
