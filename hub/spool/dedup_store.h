#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hub/error.h"
#include "hub/spool/segment_log.h"

namespace simpul::spool {

struct dedup_options {
  std::string dir;  ///< e.g. <data_dir>/dedup/<route>
  std::uint64_t segment_bytes = 4ull << 20;
  std::size_t max_keys = 1'000'000;
  /// Confirmed keys reach the OS at once and the disk within this interval;
  /// `sync_each` flushes on every confirm instead.
  std::chrono::milliseconds flush_interval{100};
  bool sync_each = false;
};

/// Persisted idempotency keys with an expiry window, so a retried POST with
/// the same Idempotency-Key is accepted once.
///
/// Two-phase on purpose: `check_and_insert` reserves a key in memory only;
/// the caller appends the message to the spool and, once that is durable,
/// calls `confirm` (persisted) or, if the append failed, `abandon`. Persisting
/// before the spool append would let a crash in between turn the client's
/// retry into a "duplicate" of a message that was never stored.
///
/// Durability: confirmed keys are written to the OS immediately (survive a
/// process crash) and fdatasynced every `flush_interval` (a power loss can
/// forget the last interval's keys: a retry is then accepted twice — a
/// duplicate, never a loss).
///
/// Threads: thread-safe; `confirm` may block for a flush once per interval.
class dedup_store {
 public:
  enum class status {
    fresh,      ///< not seen: now reserved; confirm or abandon it
    duplicate,  ///< confirmed within its window
    pending,    ///< reserved by a request still in progress
  };

  static result<std::unique_ptr<dedup_store>> open(dedup_options opts);

  /// `dedup.full` when max_keys unexpired keys are held.
  result<status> check_and_insert(std::string_view key, std::chrono::milliseconds window,
                                  std::chrono::system_clock::time_point now =
                                      std::chrono::system_clock::now());
  /// `value` is kept with the key (the hub keeps the original message id,
  /// to answer a duplicate as the original was answered).
  result<void> confirm(std::string_view key, std::string_view value = {});
  /// The value confirmed with `key` (empty if none, or not held).
  std::string value(std::string_view key) const;
  void abandon(std::string_view key);
  result<void> sync();

  std::size_t size() const;
  const scan_report& recovery() const { return log_->recovery(); }

 private:
  struct key_state {
    std::int64_t expiry_ms = 0;
    bool pending = false;
    record_location where;
    bool stored = false;
    std::string value;
  };
  explicit dedup_store(dedup_options opts) : opts_(std::move(opts)) {}
  void expire_locked(std::int64_t now_ms);

  dedup_options opts_;
  std::unique_ptr<segment_log> log_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, key_state> keys_;
  std::multimap<std::int64_t, std::string> expiries_;
  std::chrono::steady_clock::time_point last_sync_{};
};

}  // namespace simpul::spool
