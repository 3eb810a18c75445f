#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace simpul::spool {

/// On-disk record framing shared by the spool, the DLQ and the dedup store.
///
///   offset 0  u32 magic       "SPL1"; where recovery resynchronises
///          4  u32 crc         CRC-32C of payload, then of bytes [8, 24)
///          8  u32 length      payload bytes
///         12  u8  type        record_type
///         13  u8  flags, u16 reserved (zero)
///         16  u64 seq         owner-defined sequence number (0 if unused)
///         24  payload
///
/// The CRC covers the payload first so an appender can checksum its payload
/// on its own thread and the writer only extends it over the 16 header bytes
/// once the sequence number is known.
inline constexpr std::uint32_t frame_magic = 0x314C5053u;  // "SPL1" little-endian
inline constexpr std::size_t frame_header_size = 24;
inline constexpr std::uint32_t max_frame_payload = 64u << 20;

enum class record_type : std::uint8_t {
  append = 1,      ///< spool: message + pending-target mask
  ack = 2,         ///< spool: list of (seq, target) delivered
  retry = 3,       ///< spool: attempt count / next-attempt time of one target
  dlq_add = 16,    ///< dlq: one dead-lettered entry
  dlq_remove = 17, ///< dlq: ids removed (replayed or purged)
  dedup_key = 32,  ///< dedup: key + expiry
};

/// Appends one framed record to `out`. `payload_crc` must be crc32c(payload).
void append_frame(std::string& out, record_type type, std::uint64_t seq,
                  std::string_view payload, std::uint32_t payload_crc);
void append_frame(std::string& out, record_type type, std::uint64_t seq,
                  std::string_view payload);

inline std::size_t frame_size(std::size_t payload) { return frame_header_size + payload; }

struct frame_view {
  record_type type{};
  std::uint64_t seq = 0;
  std::string_view payload;
  std::size_t offset = 0;  ///< of the header within the scanned buffer
  std::size_t size = 0;    ///< header + payload
};

/// What a scan found besides valid records. A damaged region is a run of
/// bytes between two valid records that does not parse (flipped bits, a
/// half-written record followed by later appends); a torn tail is such a run
/// at the very end (a write the crash interrupted).
struct scan_report {
  std::uint64_t records = 0;
  std::uint64_t damaged_regions = 0;
  std::uint64_t skipped_bytes = 0;
  bool torn_tail = false;

  scan_report& operator+=(const scan_report& o) {
    records += o.records;
    damaged_regions += o.damaged_regions;
    skipped_bytes += o.skipped_bytes;
    torn_tail = torn_tail || o.torn_tail;
    return *this;
  }
};

/// Checks one frame at the start of `buf`; on success fills `out` (offset 0).
bool parse_frame(std::string_view buf, frame_view& out);

/// Walks `buf` record by record, calling `fn` for each valid one in order.
/// A record that fails its checks is skipped by searching for the next magic
/// that starts a valid record, so one damaged record costs only itself.
scan_report scan_frames(std::string_view buf, const std::function<void(const frame_view&)>& fn);

}  // namespace simpul::spool
