#pragma once

#include <utility>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "hub/audit/audit_trail.h"
#include "hub/delivery/spool_dead_letters.h"
#include "hub/error.h"
#include "hub/spool/dedup_store.h"
#include "hub/spool/route_spool.h"

namespace simpul::hub {

/// The on-disk state of a data directory that outlives one config
/// generation: the dead-letter queue, each route's spool and de-duplication
/// keys. A reload builds a new `hub` against the same stores, so a route's
/// pending messages, their retry state and the messages its old generation
/// is still delivering stay in one spool object — opening a second one on
/// the same directory would interleave two writers.
///
/// Lifecycle: opened once by whoever runs the hub (or by `hub::build` when
/// none is given); a store is created on first use and kept until
/// `retain_only` drops it (a removed route's spool then closes once the last
/// generation using it is gone; its files stay on disk).
/// Threads: thread-safe.
class durable_stores {
 public:
  static result<std::shared_ptr<durable_stores>> open(const std::filesystem::path& data_dir);

  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::shared_ptr<spool_dead_letters>& dead_letters() const { return dlq_; }

  /// The route's spool, opened with `opts` the first time. Later calls keep
  /// the open spool (its limits and durability are those of its first open
  /// until the process restarts).
  result<std::shared_ptr<spool::route_spool>> spool(const std::string& route,
                                                    const spool::spool_options& opts);
  /// The route's de-duplication keys (<data_dir>/dedup/<route>).
  result<std::shared_ptr<spool::dedup_store>> dedup(const std::string& route);

  /// The audit trail is shared by every generation too (two writers on one
  /// chain would break it): the first generation opens it (or decides it is
  /// off) and `audit_decided` tells later ones to reuse that decision; a
  /// changed `hub.audit` applies after a restart.
  bool audit_decided() const {
    std::lock_guard lock(mu_);
    return audit_decided_;
  }
  std::shared_ptr<audit_trail> audit() const {
    std::lock_guard lock(mu_);
    return audit_;
  }
  void set_audit(std::shared_ptr<audit_trail> trail) {
    std::lock_guard lock(mu_);
    audit_ = std::move(trail);
    audit_decided_ = true;
  }

  /// Forgets the stores of routes not in `routes`.
  void retain_only(const std::set<std::string>& routes);

 private:
  explicit durable_stores(std::filesystem::path dir) : data_dir_(std::move(dir)) {}

  std::filesystem::path data_dir_;
  std::shared_ptr<spool_dead_letters> dlq_;
  mutable std::mutex mu_;
  std::shared_ptr<audit_trail> audit_;
  bool audit_decided_ = false;
  std::map<std::string, std::shared_ptr<spool::route_spool>> spools_;
  std::map<std::string, std::shared_ptr<spool::dedup_store>> dedups_;
};

}  // namespace simpul::hub
