#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "security/audit_key.h"
#include "security/audit_record.h"
#include "security/error.h"

namespace simpul::security {

/// Where a chain ends: export it (log line, metric, remote store) so that
/// cutting whole records off the END of the file can be detected too.
struct audit_anchor {
  std::uint64_t seq = 0;  ///< 0: empty log
  std::string hash;       ///< hex SHA-256 of the last line
};

/// Tamper-evident, append-only audit log: one JSON line per record, each
/// holding the SHA-256 of the previous line and authenticated with an
/// HMAC-SHA256 or an Ed25519 signature (see audit_key and README.md).
///
/// Lifecycle: `open` creates the file or continues an existing chain from
/// its last record (after checking that record's authentication); the
/// object then appends until destroyed. A torn last line (crash during a
/// write) makes `open` fail with `audit.torn_tail` rather than silently
/// extend a damaged chain: run `verify_audit_log` and rotate the file.
/// Threading: `append`/`sync`/`head` are safe from any thread (one mutex;
/// each record is one write(2) on an O_APPEND descriptor). `append` does
/// disk I/O: call it from the worker pool, not an I/O thread.
/// Ownership: the hub owns it (unique_ptr); one writer per file.
class audit_log {
 public:
  struct options {
    std::string path;
    bool fsync_each = false;  ///< fdatasync after every record
  };

  static result<std::unique_ptr<audit_log>> open(options opts, audit_key key);
  ~audit_log();
  audit_log(const audit_log&) = delete;
  audit_log& operator=(const audit_log&) = delete;

  /// Returns the record's sequence number (1-based).
  result<std::uint64_t> append(const audit_record& r);
  result<void> sync();
  audit_anchor head() const;

 private:
  audit_log(options opts, audit_key key, int fd)
      : opts_(std::move(opts)), key_(std::move(key)), fd_(fd) {}

  options opts_;
  audit_key key_;
  int fd_ = -1;
  mutable std::mutex mutex_;
  std::uint64_t seq_ = 0;
  std::string last_hash_{audit_format::genesis_prev};
};

/// What `verify_audit_log` found.
struct audit_report {
  enum class problem { none, altered, removed, reordered, truncated };
  problem kind = problem::none;
  std::uint64_t records = 0;  ///< records checked before the first problem
  std::size_t line = 0;       ///< 1-based line of the first problem, 0 when ok
  std::string message;
  bool ok() const { return kind == problem::none; }
};

std::string_view to_string(audit_report::problem p);

/// Checks the whole file and reports the FIRST record that was altered,
/// removed, reordered or truncated. With an anchor, also detects records cut
/// from the end. I/O errors are errors; findings are a report.
result<audit_report> verify_audit_log(const std::string& path, const audit_key& key,
                                      const audit_anchor* anchor = nullptr);

}  // namespace simpul::security
