#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "connectors/file/offer_window.h"
#include "connectors/file/record_reader.h"

namespace simpul::connectors::file {

/// The records of one file while a reader thread is still parsing it, so the
/// worker offers the first rows at once instead of after the whole file (and
/// the parsing runs beside the routes' steps, on the other core).
///
/// At most `capacity` records (max_records: the file's line count). They are
/// stored in blocks allocated as the reader gets to them, behind a table of
/// block pointers sized for `capacity` up front: a push never moves the
/// records the worker reads, and memory follows the records actually read.
/// (Reserving `capacity` records made a 256 MiB file of newlines, no record
/// at all, ask for 19 GB at once: std::bad_alloc on the worker thread.)
/// The reader publishes in steps and wakes the worker through its
/// worker_signal.
///
/// Threads: `push`/`close` on the reader thread; `ready`/`closed`/`at`/
/// `cancel` on the worker; `records`/`fatal` once the reader was joined.
class record_feed {
 public:
  record_feed(std::shared_ptr<worker_signal> sig, std::size_t capacity);

  /// Reader: adds a record; false when cancelled or beyond the capacity.
  bool push(record&& r);
  /// Reader: no more records; `fatal` as read_records returned it.
  void close(std::string fatal);

  /// Worker: records that can be read now (`at(0..ready()-1)`).
  std::size_t ready() const { return ready_.load(std::memory_order_acquire); }
  /// Worker: the reader is done; read `closed()` before `ready()` for the final count.
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  record& at(std::size_t i) { return blocks_[i / block_size][i % block_size]; }
  const record& at(std::size_t i) const { return blocks_[i / block_size][i % block_size]; }
  /// Worker: asks the reader to stop early (the worker is stopping).
  void cancel() { cancel_.store(true, std::memory_order_relaxed); }

  /// Once the reader was joined: how many records it read.
  std::size_t size() const { return size_; }
  const std::string& fatal() const { return fatal_; }

 private:
  static constexpr std::size_t block_size = 1024;
  void publish();

  std::shared_ptr<worker_signal> sig_;
  std::size_t capacity_;
  std::vector<std::unique_ptr<record[]>> blocks_;  // the table never grows; a slot is filled once
  std::size_t size_ = 0;                           // written by the reader thread
  std::atomic<std::size_t> ready_{0};
  std::atomic<bool> closed_{false};
  std::atomic<bool> cancel_{false};
  std::string fatal_;
  bool overflow_ = false;  // reader thread only
};

}  // namespace simpul::connectors::file
