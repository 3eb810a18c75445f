#pragma once

// Internal to route_spool: the payload layouts of its records, shared by the
// append side (route_spool.cc) and the delivery side (route_spool_delivery.cc).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "hub/spool/bytes.h"
#include "hub/spool/frame.h"

namespace simpul::spool::records {

/// APPEND payload: u64 target mask | i64 appended_ms | message. The fixed
/// prefix lets recovery and copy-forward work without decoding the message.
inline constexpr std::size_t append_prefix = 16;

inline std::int64_t to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline bool has_bit(std::uint64_t mask, std::uint32_t t) { return t < 64 && (mask >> t) & 1u; }

/// Appends one RETRY record (attempt count and next-attempt time of one target).
inline void add_retry(std::string& buf, std::vector<std::uint32_t>& sizes, std::uint64_t seq,
                      std::uint32_t target, std::uint32_t attempt, std::int64_t next_ms) {
  std::string payload;
  byte_writer w(payload);
  w.u64(seq);
  w.u32(target);
  w.u32(attempt);
  w.i64(next_ms);
  append_frame(buf, record_type::retry, 0, payload);
  sizes.push_back(static_cast<std::uint32_t>(frame_size(payload.size())));
}

}  // namespace simpul::spool::records
