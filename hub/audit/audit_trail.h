#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "hub/error.h"
#include "hub/message.h"
#include "security/audit_log.h"

namespace simpul::hub {

/// The hub's tamper-evident audit trail (docs/security.md "Audit log"): one
/// record per accepted, delivered, dead-lettered and rejected message and per
/// admin action, written to a security::audit_log (hash chain + HMAC or
/// Ed25519) by one writer thread.
///
/// Hot path: `record` only stamps the time and queues (a mutex and a deque
/// push); the writer takes everything queued at once, appends it and, when
/// `fsync` is on, syncs once per batch (group flush). Records carry only
/// identifiers and SHA-256 hashes: never a body or personal data.
///
/// Lifecycle: `open` (hub build) → `record`... → destructor (writes what is
/// queued, syncs, joins). Threading: `record`, `flush`, `head` from any
/// thread. Ownership: the hub (shared with routes and delivery queues).
class audit_trail {
 public:
  struct options {
    std::string path;
    bool fsync = true;  ///< fdatasync once per written batch
  };

  static result<std::shared_ptr<audit_trail>> open(options opts, security::audit_key key);
  ~audit_trail();
  audit_trail(const audit_trail&) = delete;
  audit_trail& operator=(const audit_trail&) = delete;

  /// Queues one record (time set here when unset). Never blocks on I/O.
  void record(security::audit_record r);
  /// A record about one message: ids, trace id, client identity (the
  /// message's `client` attribute, set by authenticating inputs) and the
  /// SHA-256 of `original` / `mapped` bodies (either may be null).
  void message_event(security::audit_event e, std::string_view route, const message* original,
                     const message* mapped, std::string_view mapping,
                     std::string_view mapping_version, std::string_view outcome);
  /// An admin action ("reload", "dlq.replay", "dlq.purge"...), by `client`.
  void admin_action(std::string_view action, std::string_view client, std::string_view outcome);
  /// Blocks until everything queued before the call is written (and synced).
  void flush();
  security::audit_anchor head() const { return log_->head(); }
  std::uint64_t failures() const { return failures_.load(); }
  const std::string& path() const { return path_; }

 private:
  audit_trail(std::unique_ptr<security::audit_log> log, options opts);
  void run();

  std::unique_ptr<security::audit_log> log_;
  std::string path_;
  bool fsync_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable written_;
  std::deque<security::audit_record> queue_;
  std::uint64_t queued_ = 0;   ///< records ever queued
  std::uint64_t done_ = 0;     ///< records ever taken and processed
  bool stopping_ = false;
  std::atomic<std::uint64_t> failures_{0};
  std::thread writer_;
};

/// "sha256:<first 16 hex>" of a mapping file's bytes: the version of the
/// mapping a record refers to (empty when the file cannot be read).
std::string mapping_file_version(const std::string& path);

}  // namespace simpul::hub
