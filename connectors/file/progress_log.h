#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "hub/error.h"

namespace simpul::connectors::file {

/// The fate of each record of one claimed file, appended and fsynced as the
/// hub answers, so a restarted hub resumes after the last answered record
/// instead of sending the file again. Held under an exclusive flock: a second
/// hub on the same directory skips a file another live hub is working on,
/// while a crashed hub's lock vanishes with its process.
///
/// Thread: the file input's worker. Ownership: one per file being processed.
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
  result<void> append(entry e);
  /// Appends several answers (in record order) with one write and one fdatasync.
  result<void> append(std::vector<entry> batch);
  /// Deletes the log (the file was moved on).
  void remove();

 private:
  progress_log(std::filesystem::path p, int fd) : path_(std::move(p)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<entry> entries_;
};

}  // namespace simpul::connectors::file
