#pragma once

#include <utility>

#include <memory>

#include <boost/asio/thread_pool.hpp>

#include "hub/delivery/dead_letter.h"
#include "hub/spool/dlq_store.h"

namespace simpul::hub {

/// The durable DLQ as the runtime's `dead_letter_sink`: `dlq_store::add`
/// blocks for a disk flush, so it runs on a small thread pool of its own and
/// never on an io thread. Thread-safe; owned by the hub and shared by routes.
class spool_dead_letters final : public dead_letter_sink {
 public:
  explicit spool_dead_letters(std::shared_ptr<spool::dlq_store> store);
  ~spool_dead_letters() override;
  void add(dead_letter letter, std::function<void(result<void>)> done) override;
  spool::dlq_store& store() { return *store_; }

 private:
  std::shared_ptr<spool::dlq_store> store_;
  boost::asio::thread_pool pool_{1};
};

}  // namespace simpul::hub
