// Fuzzes the hand-written PII scanners (free text and JSON). Invariant
// checked: masked text holds no plausible NIK any more.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "security/masking.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace simpul::security;
  static const masker m = [] {
    masking_policy p;
    p.paths = {"pelapor.nik", "$..email", "*.x", "a[*].b"};
    return *masker::make(p);
  }();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string masked = m.mask_text(text);
  for (const auto& s : pii::find(masked, {}))
    if (s.what == pii::kind::nik) __builtin_trap();
  (void)m.mask_json_text(text);
  return 0;
}
