#pragma once

// Internal to route_spool: the payload layouts of its records, shared by the
// append side (route_spool.cc) and the delivery side (route_spool_delivery.cc).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "hub/error.h"
#include "hub/message.h"
#include "hub/spool/bytes.h"
#include "hub/spool/frame.h"
#include "hub/spool/message_codec.h"

namespace simpul::spool::records {

/// APPEND payload: u64 target mask | i64 appended_ms | message [| origin].
/// The fixed prefix lets recovery and copy-forward work without decoding the
/// message.
inline constexpr std::size_t append_prefix = 16;

/// The optional origin trailer after the message (format 2 of the APPEND
/// record; format 1 ends with the message, and a hub of format 1 ignores the
/// trailer because the message decoder stops at the message's end):
///   u8 'S'            the stored message IS the original (no step changed it)
///   u8 'O' | message  the original as the input handed it over, before the steps
/// No trailer: the original is unknown (records from before format 2, and
/// the parts of a message a step split into several).
inline constexpr std::uint8_t origin_same = 'S';
inline constexpr std::uint8_t origin_stored = 'O';

inline void add_origin(std::string& payload, const message& original, bool same) {
  byte_writer w(payload);
  if (same) {
    w.u8(origin_same);
    return;
  }
  w.u8(origin_stored);
  encode_message(payload, original);
}

/// What the trailer after the message (`rest`) says.
enum class origin_kind { unknown, same, stored };
inline result<origin_kind> read_origin(std::string_view rest, message& original) {
  if (rest.empty()) return origin_kind::unknown;
  auto tag = static_cast<std::uint8_t>(rest.front());
  if (tag == origin_same) return origin_kind::same;
  if (tag != origin_stored) return origin_kind::unknown;  // a later format: not ours to guess
  auto m = decode_message(rest.substr(1));
  if (!m) return std::unexpected(m.error());
  original = std::move(*m);
  return origin_kind::stored;
}

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
