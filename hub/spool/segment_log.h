#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hub/error.h"
#include "hub/spool/frame.h"

namespace simpul::spool {

/// Where one record lives: segment id, offset of its header, frame size.
struct record_location {
  std::uint64_t segment = 0;
  std::uint64_t offset = 0;
  std::uint32_t size = 0;
};

/// A directory of append-only segment files (`<20-digit id>.seg`) holding
/// framed records; the storage machinery under route_spool, dlq_store and
/// dedup_store.
///
/// Lifecycle: `open` scans every segment in id order, hands each valid record
/// to the owner, and then starts a fresh active segment, so nothing is ever
/// appended behind a torn tail. Appends go to the active segment, which rolls
/// at `segment_bytes`.
///
/// Space: the owner marks records it still needs with `retain` and lets go
/// with `release`. A record that cancels or amends a record of an earlier
/// segment (an ack, a DLQ remove, a retry count) must outlive it, or replay
/// would resurrect what it cancelled: the owner says so with `add_ref`.
/// `collect` deletes every sealed segment that holds no retained record and
/// refers to no segment still on disk. A segment pinned by a few long-lived
/// records is reported by `sparse_segments`; the owner copies those records
/// forward and releases the originals.
///
/// Threads: `write`/`sync` from one thread at a time (the owner's writer);
/// `read`, `retain`, `release`, `collect`, the stats: any thread.
class segment_log {
 public:
  struct options {
    std::string dir;
    std::uint64_t segment_bytes = 64ull << 20;
  };
  struct recovered {
    record_type type{};
    std::uint64_t seq = 0;
    std::string_view payload;
    record_location where;
  };
  using recover_fn = std::function<void(const recovered&)>;

  static result<std::unique_ptr<segment_log>> open(const options& opts, const recover_fn& fn);
  ~segment_log();
  segment_log(const segment_log&) = delete;
  segment_log& operator=(const segment_log&) = delete;

  /// What recovery skipped (damaged regions, torn tails, bytes).
  const scan_report& recovery() const { return recovery_; }

  /// Writes the concatenated frames in `frames` (sizes in `sizes`), rolling
  /// segments as needed, then fdatasyncs when `sync`. All or nothing: on any
  /// error the segments are cut back to where they were and `spool.io` is
  /// returned; the log stays usable. Fills `where` with one entry per frame.
  result<void> write(std::string_view frames, std::span<const std::uint32_t> sizes,
                     std::vector<record_location>& where, bool sync);
  /// fdatasync of the active segment (the write-policy periodic flush).
  result<void> sync();

  /// The payload of the record at `where`, checksum verified.
  result<std::string> read(const record_location& where) const;

  void retain(const record_location& where);
  void release(const record_location& where);
  /// Records in segment `from` amend records in segment `to`: keep `from`
  /// while `to` exists.
  void add_ref(std::uint64_t from, std::uint64_t to);
  /// Deletes the sealed segments with no retained record and no reference to
  /// a segment still present; returns how many.
  std::size_t collect();
  /// Sealed segments, oldest first, whose retained bytes are under
  /// `max_live_ratio` of their size: worth copying their few live records forward.
  std::vector<std::uint64_t> sparse_segments(double max_live_ratio) const;

  std::size_t segment_count() const;
  std::uint64_t disk_bytes() const;
  const std::string& dir() const { return opts_.dir; }

 private:
  struct segment;
  explicit segment_log(options opts);
  result<void> scan_existing(const recover_fn& fn);
  result<void> roll();
  result<void> write_chunks(std::string_view frames, std::span<const std::uint32_t> sizes,
                            std::vector<record_location>& where);
  std::string path_of(std::uint64_t id) const;

  options opts_;
  scan_report recovery_;
  mutable std::mutex mu_;  // guards segments_ and the counters in each segment
  std::map<std::uint64_t, std::shared_ptr<segment>> segments_;
  std::shared_ptr<segment> active_;
  struct undo {
    std::shared_ptr<segment> seg;
    std::uint64_t size_before;
  };
  std::vector<undo> undo_;  // writer thread only
  void rollback();
};

}  // namespace simpul::spool
