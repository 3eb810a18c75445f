#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hub/error.h"
#include "hub/message.h"
#include "hub/spool/segment_log.h"

namespace simpul::spool {

/// One dead-lettered (message, target).
struct dlq_entry {
  std::string id;            ///< DLQ entry id (ULID); `add` assigns one when empty
  message msg;               ///< the message as it was handed to the output
  /// Delivery failures: the message before the route's steps, for a replay
  /// through the current mapping; absent when unknown (see route_spool::original).
  std::optional<message> original;
  std::string route;
  std::string target;        ///< output connector name
  std::string reason_code;   ///< machine-readable, e.g. "http.status_4xx", "retries_exhausted"
  std::string reason_text;
  int last_status = 0;       ///< last response status (HTTP code, 0 if none)
  std::string last_body;     ///< last response body, truncated on add
  std::uint32_t attempts = 0;
  std::chrono::system_clock::time_point first_failure{};
  std::chrono::system_clock::time_point dead_lettered{};  ///< set by `add` when zero
  std::string trace_id;
};

/// What `list` returns per entry: everything but the message and response body.
struct dlq_summary {
  std::string id;
  std::string message_id;
  std::string route;
  std::string target;
  std::string reason_code;
  int last_status = 0;
  std::uint32_t attempts = 0;
  std::chrono::system_clock::time_point first_failure{};
  std::chrono::system_clock::time_point dead_lettered{};
  std::string trace_id;
};

/// Filters are ANDed; empty/absent means any. Results are in id (= time)
/// order; pass the previous page's `next` as `after` for the next page.
struct dlq_query {
  std::string route;
  std::string reason_code;
  std::optional<std::chrono::system_clock::time_point> from;  ///< dead_lettered >= from
  std::optional<std::chrono::system_clock::time_point> to;    ///< dead_lettered < to
  std::string after;
  std::size_t limit = 100;
};

struct dlq_page {
  std::vector<dlq_summary> items;
  std::string next;  ///< empty when this was the last page
};

struct dlq_route_stats {
  std::size_t count = 0;
  std::chrono::milliseconds oldest_age{0};
};

struct dlq_options {
  std::string dir;  ///< <data_dir>/dlq
  std::uint64_t segment_bytes = 16ull << 20;
  std::size_t max_response_bytes = 4096;
};

/// Durable store of messages that failed permanently or ran out of retries,
/// on the same segment log as the spool (one ADD record per entry, REMOVE
/// records for replayed/purged ids).
///
/// Lifecycle: `open` rebuilds the index (summaries in memory, messages stay
/// on disk). Owned by the hub, shared by every route's delivery workers and
/// the admin API.
///
/// Threads: thread-safe. `add` and `remove` return only after fdatasync, so
/// they block for a disk flush: call them from the delivery thread pool, not
/// an I/O thread. Batch adds share one flush.
class dlq_store {
 public:
  static result<std::unique_ptr<dlq_store>> open(dlq_options opts);

  /// Returns the entry's id once it is durable.
  result<std::string> add(dlq_entry e);
  result<std::vector<std::string>> add(std::vector<dlq_entry> entries);

  dlq_page list(const dlq_query& q) const;
  /// The whole entry, message included; `dlq.not_found` if absent.
  result<dlq_entry> get(std::string_view id) const;
  /// Removes after replay or purge; unknown ids are ignored. Returns how many went.
  result<std::size_t> remove(std::span<const std::string> ids);
  result<std::size_t> remove(const std::string& id) { return remove(std::span(&id, 1)); }

  std::size_t count() const;
  /// Count and oldest age per route (for metrics and `simpul dlq`).
  std::map<std::string, dlq_route_stats> per_route() const;
  const scan_report& recovery() const { return log_->recovery(); }

 private:
  struct indexed {
    dlq_summary s;
    record_location where;
  };
  explicit dlq_store(dlq_options opts) : opts_(std::move(opts)) {}
  void recover(const segment_log::recovered& r);
  result<std::vector<record_location>> write_locked(const std::string& buf,
                                                    const std::vector<std::uint32_t>& sizes);
  void compact_locked();

  dlq_options opts_;
  std::unique_ptr<segment_log> log_;
  mutable std::mutex mu_;
  std::map<std::string, indexed, std::less<>> index_;  // by id: time order
  std::vector<std::pair<std::uint64_t, std::uint64_t>> recovered_refs_;  // open() only
};

}  // namespace simpul::spool
