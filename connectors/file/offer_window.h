#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "connectors/connector.h"
#include "connectors/file/progress_log.h"
#include "connectors/file/record_reader.h"

namespace simpul::connectors::file {

/// What the file input's worker waits on: hub answers and stop both notify `cv`.
class record_feed;

struct worker_signal {
  std::mutex m;
  std::condition_variable cv;
  bool stopping = false;  ///< guarded by m
};

/// Offers the records of one file to every bound route with up to `width`
/// records in flight, and hands their progress-log entries to `commit` in
/// record order, as soon as a prefix of the file is fully answered (one
/// batch, so one fdatasync, per wake-up). A record is answered when every
/// route answered accepted/replied/rejected; `unavailable` offers the same
/// message again after `retry_after` (100 ms–5 s) while the other records go
/// on. Width 1 is the old one-at-a-time behaviour.
///
/// Thread: the file input's worker (blocks it). Hub callbacks may come on any
/// thread, also after `run` returned (they only touch shared state).
class offer_window {
 public:
  using route_list = std::vector<std::pair<std::string, std::shared_ptr<ingress>>>;
  using make_fn = std::function<message_ptr(std::size_t index, const std::string& route)>;
  using commit_fn = std::function<bool(std::vector<progress_log::entry>)>;  ///< false: stop (I/O error)
  enum class outcome { finished, stopped, failed };

  offer_window(std::shared_ptr<worker_signal> sig, const route_list& routes, std::size_t width)
      : sig_(std::move(sig)), routes_(routes), width_(width < 1 ? 1 : width) {}

  /// Offers the feed's records from `first` on, as the reader makes them
  /// ready; `finished` once the feed is closed and every record answered.
  /// `stopped`: stop was requested (entries not committed are offered again
  /// on resume: at least once, same key).
  outcome run(record_feed& records, std::size_t first, const make_fn& make, const commit_fn& commit);

 private:
  std::shared_ptr<worker_signal> sig_;
  const route_list& routes_;
  std::size_t width_;
};

}  // namespace simpul::connectors::file
