// libFuzzer target for XML -> JSON -> XML. Besides "no crash, no UB" it
// checks that the convention is stable: converting the written XML again
// gives the same JSON.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mappings/formats/json.h"
#include "mappings/formats/xml.h"

using namespace simpul::mappings::formats;

namespace {
// JSON text with every \r\n and \r escape turned into \n (a backslash in
// JSON text always starts an escape, so escapes are walked pairwise).
std::string eol_normalised(const std::string& json) {
  std::string out;
  for (std::size_t i = 0; i < json.size(); ++i) {
    if (json[i] != '\\' || i + 1 == json.size()) {
      out += json[i];
      continue;
    }
    if (json[i + 1] == 'r') {
      out += "\\n";
      i += json.compare(i + 2, 2, "\\n") == 0 ? 3 : 1;
    } else {
      out.append(json, i, 2);
      ++i;
    }
  }
  return out;
}
}  // namespace

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
  // XML end-of-line handling: a CR in text (&#13; on the way in) is written
  // as a raw CR, which the next reader takes as a line end ("\r\n" and "\r"
  // become "\n"). A documented loss of the convention, not instability.
  if (eol_normalised(write_json(*again)) != eol_normalised(write_json(*json))) std::abort();
  return 0;
}
