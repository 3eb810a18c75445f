#pragma once

#include <atomic>
#include <mutex>
#include <vector>

#include "hub/delivery/delivery_store.h"

namespace simpul::hub {

/// A delivery store in memory: NOT durable — what it holds is lost when the
/// process dies. Used by tests of the runtime and as the bounded queue of
/// routes whose durability is `memory`; the spool is the default.
/// Thread-safe; callbacks run on the caller's thread.
class memory_store final : public delivery_store {
 public:
  memory_store(std::uint64_t max_messages, std::uint64_t max_bytes)
      : max_messages_(max_messages), max_bytes_(max_bytes) {}

  void append(std::vector<delivery> batch,
              std::function<void(result<std::vector<delivery>>)> done) override;
  void ack(const delivery& d) override;
  std::vector<delivery> recover() override { return {}; }
  std::uint64_t depth() const override { return depth_.load(); }
  std::uint64_t bytes() const override { return bytes_.load(); }
  bool full(std::uint64_t n, std::uint64_t bytes) const override;

 private:
  std::uint64_t max_messages_;
  std::uint64_t max_bytes_;
  std::atomic<std::uint64_t> next_seq_{1};
  std::atomic<std::uint64_t> depth_{0};
  std::atomic<std::uint64_t> bytes_{0};
};

/// A DLQ in memory, for tests of the runtime: keeps every letter.
class memory_dead_letters final : public dead_letter_sink {
 public:
  void add(dead_letter letter, std::function<void(result<void>)> done) override;
  std::vector<dead_letter> snapshot() const;

 private:
  mutable std::mutex mu_;
  std::vector<dead_letter> letters_;
};

}  // namespace simpul::hub
