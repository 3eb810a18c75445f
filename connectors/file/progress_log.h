#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hub/error.h"

namespace simpul::connectors::file {

/// The fate of each record of one claimed file, appended and fsynced as the
/// hub answers, so a restarted hub resumes after the last answered record
/// instead of sending the file again. Held under an exclusive flock: a second
/// hub on the same directory skips a file another live hub is working on,
/// while a crashed hub's lock vanishes with its process.
///
/// `append` writes each batch at once (a killed process loses nothing it
/// wrote) and then either fdatasyncs it itself (`sync::now`) or hands the
/// flush to the log's own flusher thread (`sync::background`), which shares
/// one fdatasync among all the batches written while the previous one ran, so
/// the worker never waits for the disk. Either way a crash can only lose a
/// suffix of answered records, and those are offered again (same key).
///
/// Thread: the file input's worker (the flusher thread only calls fdatasync).
/// Ownership: one per file being processed.
class progress_log {
 public:
  enum class outcome { ok, rejected, unreadable };
  struct entry {
    std::size_t index = 0;  ///< 0-based record index
    outcome what = outcome::ok;  ///< rejected = the hub dead-lettered it; unreadable = parse error
    std::string reason;
  };

  /// Fails with "file.locked" when another process holds the file.
  static result<progress_log> open(const std::filesystem::path& path);

  progress_log(progress_log&& o) noexcept;
  progress_log& operator=(progress_log&&) = delete;
  ~progress_log();

  const std::vector<entry>& entries() const { return entries_; }
  /// Records answered so far (they are answered in order).
  std::size_t done() const { return entries_.size(); }
  enum class sync { now, background };
  result<void> append(entry e);
  /// Appends several answers (in record order) with one write; `now`: and
  /// one fdatasync before returning; `background`: flushed by the flusher
  /// thread (an earlier background flush that failed is reported here).
  result<void> append(std::vector<entry> batch, sync how = sync::now);
  /// Ties the log to the content it tracks (its SHA-256, hex). A log whose
  /// file was moved on but which a crash kept from being deleted would
  /// otherwise make a later file of the same name skip its first records: a
  /// log for other content is emptied and started over (returns true). A
  /// log from before content lines were written is kept as it is.
  result<bool> claim_for(const std::string& sha256);
  /// Waits until everything appended is on disk (flusher's work included).
  result<void> flush();
  /// Deletes the log (the file was moved on).
  void remove();

 private:
  struct flusher;  // the background fdatasync thread and its state
  progress_log(std::filesystem::path p, int fd) : path_(std::move(p)), fd_(fd) {}
  void stop_flusher();
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<entry> entries_;
  std::string content_;  // the "#sha256" line, when the log has one
  std::shared_ptr<flusher> flusher_;  // shared_ptr: the type is incomplete here
};

}  // namespace simpul::connectors::file
