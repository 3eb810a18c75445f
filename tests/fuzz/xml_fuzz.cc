// libFuzzer target for XML -> JSON -> XML. Besides "no crash, no UB" it
// checks that the convention is stable: converting the written XML again
// gives the same JSON.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mappings/formats/json.h"
#include "mappings/formats/xml.h"

using namespace simpul::mappings::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto json = xml_to_json(xml);
  if (!json) {
    if (json.error().code == "xml.syntax" && json.error().line < 1) std::abort();
    return 0;
  }
  auto written = json_to_xml(*json);
  if (!written) return 0;  // e.g. control characters that XML 1.0 cannot carry
  auto again = xml_to_json(*written);
  if (!again) std::abort();  // our own output must parse
  if (write_json(*again) != write_json(*json)) std::abort();
  return 0;
}
