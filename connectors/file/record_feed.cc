#include "connectors/file/record_feed.h"

#include <mutex>

namespace simpul::connectors::file {

namespace {
constexpr std::size_t publish_every = 64;  // rows per wake-up of a waiting worker
}

record_feed::record_feed(std::shared_ptr<worker_signal> sig, std::size_t capacity)
    : sig_(std::move(sig)), capacity_(capacity), blocks_((capacity + block_size - 1) / block_size) {}

bool record_feed::push(record&& r) {
  if (cancel_.load(std::memory_order_relaxed)) return false;
  if (size_ == capacity_) {
    overflow_ = true;  // cannot happen with max_records; never drop rows silently
    return false;
  }
  // A new block is published to the worker with the records in it (ready_).
  if (size_ % block_size == 0) blocks_[size_ / block_size] = std::make_unique<record[]>(block_size);
  at(size_) = std::move(r);
  ++size_;
  if (size_ - ready_.load(std::memory_order_relaxed) >= publish_every) publish();
  return true;
}

void record_feed::close(std::string fatal) {
  fatal_ = std::move(fatal);
  if (overflow_ && fatal_.empty()) fatal_ = "more records than lines in the file (reader stopped)";
  ready_.store(size_, std::memory_order_release);
  closed_.store(true, std::memory_order_release);
  { std::lock_guard lock(sig_->m); }  // a worker between its check and its wait sees it
  sig_->cv.notify_all();
}

void record_feed::publish() {
  ready_.store(size_, std::memory_order_release);
  { std::lock_guard lock(sig_->m); }
  sig_->cv.notify_all();
}

}  // namespace simpul::connectors::file
