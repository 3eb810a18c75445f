#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

#include "connectors/connector.h"

namespace simpul::test {

/// The hub side of `ingress` for connector tests: records every submission
/// and answers through `decide` (accepted by default).
class collecting_ingress : public connectors::ingress {
 public:
  using status = connectors::ingest_result::status;
  std::function<status(const message&)> decide = [](const message&) { return status::accepted; };

  void submit(message_ptr msg, connectors::ingest_handler done) override {
    status s;
    {
      std::lock_guard lock(m_);
      s = decide(*msg);
      offered_.push_back(msg);
      if (s != status::unavailable) taken_.push_back(msg);
    }
    cv_.notify_all();
    connectors::ingest_result r;
    r.state = s;
    r.message_id = msg->id;
    done(std::move(r));  // synchronously: no thread may outlive the test
  }

  /// Waits until `pred(taken)` holds or the deadline passes.
  bool wait_for(std::function<bool(const std::vector<message_ptr>&)> pred,
                std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, deadline, [&] { return pred(taken_); });
  }
  bool wait_count(std::size_t n, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    return wait_for([n](const auto& v) { return v.size() >= n; }, deadline);
  }
  std::vector<message_ptr> taken() {
    std::lock_guard lock(m_);
    return taken_;
  }
  std::vector<message_ptr> offered() {
    std::lock_guard lock(m_);
    return offered_;
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<message_ptr> offered_;
  std::vector<message_ptr> taken_;
};

}  // namespace simpul::test
