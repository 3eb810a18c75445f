#include "hub/delivery/memory_store.h"

namespace simpul::hub {

void memory_store::append(std::vector<delivery> batch,
                          std::function<void(result<std::vector<delivery>>)> done) {
  std::uint64_t bytes = 0;
  for (const auto& d : batch) bytes += d.msg->body.size();
  if (full(batch.size(), bytes)) {
    return done(make_error("spool.full", "the route's queue is full"));
  }
  for (auto& d : batch) d.seq = next_seq_++;
  depth_ += batch.size();
  bytes_ += bytes;
  done(std::move(batch));
}

void memory_store::ack(const delivery& d) {
  depth_ -= 1;
  bytes_ -= d.msg->body.size();
}

bool memory_store::full(std::uint64_t n, std::uint64_t bytes) const {
  return depth_.load() + n > max_messages_ || bytes_.load() + bytes > max_bytes_;
}

void memory_dead_letters::add(dead_letter letter, std::function<void(result<void>)> done) {
  {
    std::lock_guard lock(mu_);
    letters_.push_back(std::move(letter));
  }
  done({});
}

std::vector<dead_letter> memory_dead_letters::snapshot() const {
  std::lock_guard lock(mu_);
  return letters_;
}

}  // namespace simpul::hub
