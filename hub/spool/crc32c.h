#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace simpul::spool {

/// CRC-32C (Castagnoli), the checksum on every spool record. Uses the SSE4.2
/// instruction when the CPU has it (checked once), a table otherwise; both
/// give the same values. `crc32c_extend(crc32c(a), b) == crc32c(a + b)`.
std::uint32_t crc32c_extend(std::uint32_t crc, const void* data, std::size_t size);

inline std::uint32_t crc32c(std::string_view s) {
  return crc32c_extend(0, s.data(), s.size());
}

}  // namespace simpul::spool
