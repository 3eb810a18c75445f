#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hub/error.h"
#include "hub/message.h"
#include "hub/spool/segment_log.h"

namespace simpul::spool {

/// Which route targets (`to:` entries, by index 0..63) a message is pending for.
using target_mask = std::uint64_t;

enum class durability {
  fsync,  ///< callback after fdatasync; concurrent appenders share one flush
  write,  ///< callback once write(2) returned; fdatasync every flush_interval
};

struct spool_options {
  std::string dir;  ///< <data_dir>/spool/<route>
  spool::durability durability = durability::fsync;
  std::chrono::milliseconds flush_interval{100};  ///< write policy only
  std::size_t max_messages = 100'000;             ///< pending messages (fan-out counts once)
  std::uint64_t max_bytes = 256ull << 20;         ///< pending encoded bytes
  std::uint64_t segment_bytes = 64ull << 20;
  /// Pending messages kept decoded in memory up to this many body bytes;
  /// the rest (and everything after a restart) is read back from disk.
  std::uint64_t cache_bytes = 64ull << 20;
};

/// One (message, target) handed to a delivery worker.
struct spool_item {
  std::uint64_t seq = 0;
  std::uint32_t target = 0;
  message_ptr msg;
  std::uint32_t attempt = 0;  ///< failed attempts so far for this target
};

struct spool_stats {
  std::size_t depth = 0;         ///< messages with at least one pending target
  std::uint64_t bytes = 0;       ///< their encoded size
  std::chrono::milliseconds oldest_age{0};  ///< since the oldest pending was appended
  std::uint64_t appended = 0;
  std::uint64_t acked = 0;       ///< (message, target) acks
  std::uint64_t flushes = 0;     ///< fdatasync calls
  std::uint64_t batches = 0;     ///< writer wake-ups that wrote something
  std::uint64_t rejected_full = 0;
  /// Pushing back: an append was refused for the bounds and the spool has not
  /// drained to 90% of them (nor taken an append) since. /readyz, metrics.
  bool full = false;
  std::uint64_t io_errors = 0;
  std::uint64_t unreadable = 0;  ///< pending records that failed to read back
  std::uint64_t compacted_segments = 0;
  std::uint64_t copied_forward = 0;
  std::size_t segments = 0;
  std::uint64_t disk_bytes = 0;
  scan_report recovery;          ///< what the last open skipped
};

/// The durable per-route queue between a route's steps and its delivery
/// workers: an append-only segment log with group commit.
///
/// Lifecycle: `open` recovers the pending set from disk (damaged records are
/// skipped and counted in stats().recovery) and starts one writer thread; the
/// destructor completes everything already queued, flushes, and joins it.
/// Owned by the route through unique_ptr.
///
/// Threads: every public function is thread-safe. Only `append_sync` and
/// `flush` wait for the disk; `take` may `pread` messages that are not cached
/// (after a restart, or beyond cache_bytes), so call it from a worker thread. Append callbacks and the ready handler run ON THE
/// WRITER THREAD: keep them short and post onward (to the input's strand);
/// they may call append/ack, but must not destroy the spool.
///
/// Delivery: each target has its own ready queue in append (seq) order. A
/// worker `take`s items (they become in flight and are not handed out again),
/// then `ack`s, `retry_at`s or `release`s each. After a restart every
/// unacked item is pending again: delivery is at-least-once, and the message
/// id stays the same so outputs can de-duplicate.
class route_spool {
 public:
  using append_callback = std::function<void(result<void>)>;
  using ready_handler = std::function<void(target_mask targets)>;

  static result<std::unique_ptr<route_spool>> open(spool_options opts);
  ~route_spool();
  route_spool(const route_spool&) = delete;
  route_spool& operator=(const route_spool&) = delete;

  /// Queues `msgs` (all or none) as pending for `targets`. An immediate error
  /// (`spool.full`, `spool.closed`, `spool.too_large`, `spool.no_target`)
  /// means nothing was queued and `cb` is never called. Otherwise `cb` runs
  /// exactly once on the writer thread: success once the batch is durable per
  /// the policy, or `spool.io` (nothing of the batch was kept).
  ///
  /// `original` (optional) is the message as the input handed it over,
  /// before the route's steps: stored with each message (a one-byte mark
  /// when it is the same object as the message) so that a dead letter can be
  /// replayed through a corrected mapping (`original()`).
  result<void> append(std::vector<message_ptr> msgs, target_mask targets, append_callback cb,
                      message_ptr original = {});
  /// One message. `cb` is taken (moved from) only when the append is
  /// queued: after an immediate error the caller still holds it.
  result<void> append(message_ptr msg, target_mask targets, append_callback&& cb,
                      message_ptr original = {});
  /// Blocks until durable. Never call it from the writer thread (a callback).
  result<void> append_sync(std::vector<message_ptr> msgs, target_mask targets);

  /// Up to `max` ready items of `target` (next-attempt time <= now), oldest seq first.
  std::vector<spool_item> take(std::uint32_t target, std::size_t max,
                               std::chrono::system_clock::time_point now =
                                   std::chrono::system_clock::now());
  /// Delivered: the target is done with this message.
  void ack(const spool_item& item);
  /// Failed, try again at `when`; counts one attempt (persisted, not flushed).
  void retry_at(const spool_item& item, std::chrono::system_clock::time_point when);
  /// Failed, but the caller keeps the item (an ordered key must not let its
  /// later messages overtake it): counts one attempt and persists
  /// `(attempt, when)` like `retry_at`, without handing the item back. The
  /// caller sends it again itself, or `release`s it (then it is ready at `when`).
  void count_attempt(const spool_item& item, std::chrono::system_clock::time_point when);
  /// The message as its input handed it over (before the steps), for a
  /// replay through the route's current mapping: the stored original, the
  /// item's own message when no step changed it, or nullptr when it is not
  /// known (spooled by an older hub, or one of several parts of a split).
  /// Reads the record from disk; call it before `ack`, off the I/O threads.
  result<message_ptr> original(const spool_item& item) const;
  /// Hand back untried (shutdown, breaker open): no attempt counted.
  void release(const spool_item& item);
  /// When `target` next has something to take: now if ready, the earliest
  /// retry time if only delayed items wait, nullopt if none.
  std::optional<std::chrono::system_clock::time_point> next_ready_at(std::uint32_t target) const;

  /// Called (writer thread) after new items became ready for `targets`.
  void set_ready_handler(ready_handler h);

  /// Forces everything queued so far to disk and waits (tests, shutdown).
  result<void> flush();

  spool_stats stats() const;

 private:
  struct target_state {
    std::uint32_t attempt = 0;
    std::int64_t next_ms = 0;
    bool in_flight = false;
  };
  struct entry {
    record_location where;
    target_mask mask = 0;
    std::uint32_t bytes = 0;
    std::int64_t appended_ms = 0;
    message_ptr cached;
    std::vector<target_state> targets;  // indexed by target
  };
  struct target_queue {
    std::set<std::uint64_t> ready;
    std::multimap<std::int64_t, std::uint64_t> delayed;  // next_ms -> seq
  };
  struct queued_append {
    std::uint64_t seq;
    std::int64_t appended_ms;
    std::string payload;  // mask + appended_ms + message
    std::uint32_t crc;
    message_ptr msg;
  };
  struct queued_batch {
    std::vector<queued_append> items;
    target_mask targets;
    append_callback cb;
  };
  struct queued_retry {
    std::uint64_t seq;
    std::uint32_t target;
    std::uint32_t attempt;
    std::int64_t next_ms;
    std::uint64_t segment;  // where the record it amends lives
  };
  struct queued_ack {
    std::uint64_t seq;
    std::uint32_t target;
    std::uint64_t segment;  // where the acked record lives
  };

  explicit route_spool(spool_options opts);
  /// Encodes one message (and the original's trailer, when given) into
  /// `batch` (checksummed, off the lock).
  result<void> encode(message_ptr m, target_mask targets, std::int64_t now,
                      const message_ptr& original, queued_batch& batch,
                      std::uint64_t& bytes) const;
  /// Reserves room and queues `batch` for the writer; moves `cb` into it on success.
  result<void> enqueue(queued_batch& batch, std::uint64_t bytes, append_callback& cb);
  void recover(const segment_log::recovered& r);
  void writer_loop();
  bool write_batch(std::vector<queued_batch>& batches,
                   std::vector<queued_ack>& acks,
                   std::vector<queued_retry>& retries, bool force_sync);
  /// Makes written records pending and ready for delivery (callbacks are
  /// the caller's, once the records are durable).
  void commit_entries(std::vector<queued_batch>& batches,
                      const std::vector<record_location>& where);
  /// Moves up to `budget` bytes of live records off `segment`; returns bytes written.
  std::uint64_t copy_forward(std::uint64_t segment, std::uint64_t budget);
  void make_ready(std::uint64_t seq, entry& e);
  void drop_target(std::map<std::uint64_t, entry>::iterator it, std::uint32_t target);
  target_queue& queue_of(std::uint32_t target);
  result<message_ptr> load(const entry& e) const;

  spool_options opts_;
  std::unique_ptr<segment_log> log_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  // queued for the writer
  std::vector<queued_batch> batches_;
  std::vector<queued_ack> acks_;
  std::vector<queued_retry> retries_;
  std::size_t sync_waiters_ = 0;
  std::uint64_t sync_generation_ = 0;  // bumped after each forced flush
  std::condition_variable synced_;
  bool stop_ = false;
  // committed state
  std::map<std::uint64_t, entry> entries_;
  std::vector<target_queue> queues_;
  std::uint64_t next_seq_ = 1;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> recovered_refs_;  // (from, to) segments
  std::size_t reserved_messages_ = 0;  // pending + queued
  std::uint64_t reserved_bytes_ = 0;
  bool refusing_ = false;  // last append was refused for the bounds
  std::uint64_t cached_bytes_ = 0;
  ready_handler on_ready_;
  spool_stats stats_;

  std::thread writer_;
};

}  // namespace simpul::spool
