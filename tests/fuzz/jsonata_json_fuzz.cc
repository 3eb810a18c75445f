// libFuzzer target for the JSONata engine's own JSON reader (the input of
// every mapping): parsed in place, a byte-order mark skipped, nesting
// bounded. Any input must parse or fail with a message, never crash. What
// parses from valid UTF-8 must write back to text that parses to the same
// value. (Invalid UTF-8 is not checked by the reader; bytes that look like
// encoded surrogates are written back as \u escapes, and two of them side by
// side read back as one pair, so that round trip is not exact.)
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mappings/jsonata/json.h"

using namespace simpul::mappings::jsonata;

namespace {

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp < 0xE000)) {
      return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = parse_json(text);
  if (!v) {
    if (v.error().empty()) std::abort();
    return 0;
  }
  if (!valid_utf8(text)) return 0;
  std::string once;
  write_json(once, *v);
  auto again = parse_json(once);
  if (!again) std::abort();
  std::string twice;
  write_json(twice, *again);
  if (twice != once) std::abort();
  return 0;
}
