#include "security/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "security/crypto.h"

namespace simpul::security {
namespace {

constexpr off_t tail_window = 64 * 1024;  // far above the longest record

std::unexpected<error> io_error(const std::string& what) {
  return make_error("audit.io", what + ": " + std::strerror(errno));
}

// Reads the last line of a non-empty file; an error when it is torn.
result<std::string> last_line(int fd, off_t size) {
  off_t start = size > tail_window ? size - tail_window : 0;
  std::string buf(static_cast<std::size_t>(size - start), '\0');
  ssize_t n = pread(fd, buf.data(), buf.size(), start);
  if (n != static_cast<ssize_t>(buf.size())) return io_error("read tail");
  if (buf.back() != '\n')
    return make_error("audit.torn_tail", "last record is incomplete (crash during write?)");
  buf.pop_back();
  std::size_t nl = buf.rfind('\n');
  if (nl == std::string::npos && start > 0)
    return make_error("audit.torn_tail", "last record is longer than the tail window");
  return nl == std::string::npos ? buf : buf.substr(nl + 1);
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

result<std::unique_ptr<audit_log>> audit_log::open(options opts, audit_key key) {
  if (!key.can_sign()) return make_error("audit.key", "the audit key cannot sign (public key?)");
  int fd = ::open(opts.path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return io_error("open '" + opts.path + "'");
  std::unique_ptr<audit_log> log(new audit_log(std::move(opts), std::move(key), fd));
  off_t size = lseek(fd, 0, SEEK_END);
  if (size < 0) return io_error("seek");
  if (size == 0) return log;

  auto line = last_line(fd, size);
  if (!line) return std::unexpected(line.error());
  auto parts = audit_format::split(*line);
  auto chain = audit_format::read_chain_fields(*line);
  if (!parts || !chain || parts->scheme != log->key_.scheme() ||
      !log->key_.verify(parts->signed_part, parts->signature))
    return make_error("audit.chain",
                      "last record does not verify with this key; refusing to extend the chain");
  log->seq_ = chain->seq;
  log->last_hash_ = crypto::sha256_hex(*line);
  return log;
}

audit_log::~audit_log() {
  if (fd_ >= 0) ::close(fd_);
}

result<std::uint64_t> audit_log::append(const audit_record& r) {
  audit_record rec = r;
  if (rec.time == std::chrono::system_clock::time_point{})
    rec.time = std::chrono::system_clock::now();
  std::lock_guard lock(mutex_);
  std::string line = audit_format::signed_part(rec, seq_ + 1, last_hash_);
  auto sig = key_.sign(line);
  if (!sig) return std::unexpected(sig.error());
  line += ",\"auth\":\"";
  line += key_.scheme();
  line += ':';
  line += *sig;
  line += "\"}";
  std::string hash = crypto::sha256_hex(line);
  line += '\n';
  if (!write_all(fd_, line)) return io_error("append");
  if (opts_.fsync_each && ::fdatasync(fd_) != 0) return io_error("fdatasync");
  ++seq_;
  last_hash_ = std::move(hash);
  return seq_;
}

result<void> audit_log::sync() {
  std::lock_guard lock(mutex_);
  if (::fdatasync(fd_) != 0) return io_error("fdatasync");
  return {};
}

audit_anchor audit_log::head() const {
  std::lock_guard lock(mutex_);
  return {seq_, seq_ == 0 ? std::string() : last_hash_};
}

}  // namespace simpul::security
