#include "hub/spool/segment_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace simpul::spool {

struct segment_log::segment {
  std::uint64_t id = 0;
  std::string path;
  int fd = -1;
  std::uint64_t size = 0;
  std::uint64_t live = 0;
  std::uint64_t live_bytes = 0;
  std::vector<std::uint64_t> refs;  // earlier segments whose records this one amends
  ~segment() {
    if (fd >= 0) ::close(fd);
  }
};

namespace {

std::unexpected<error> io_error(std::string_view what, const std::string& path, int err) {
  std::string msg(what);
  msg += ' ';
  msg += path;
  msg += ": ";
  msg += std::strerror(err);
  return make_error("spool.io", std::move(msg));
}

bool pwrite_all(int fd, const char* p, std::size_t n, std::uint64_t off, int& err) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(off));
    if (w < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
    off += static_cast<std::uint64_t>(w);
  }
  return true;
}

bool pread_all(int fd, char* p, std::size_t n, std::uint64_t off, int& err) {
  while (n > 0) {
    ssize_t r = ::pread(fd, p, n, static_cast<off_t>(off));
    if (r < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    if (r == 0) {
      err = EIO;  // file shorter than the index says
      return false;
    }
    p += r;
    n -= static_cast<std::size_t>(r);
    off += static_cast<std::uint64_t>(r);
  }
  return true;
}

int fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int rc = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return rc;
}

bool parse_segment_name(const std::string& name, std::uint64_t& id) {
  if (name.size() != 24 || name.compare(20, 4, ".seg") != 0) return false;
  id = 0;
  for (std::size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    id = id * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return true;
}

}  // namespace

segment_log::segment_log(options opts) : opts_(std::move(opts)) {}

segment_log::~segment_log() = default;

std::string segment_log::path_of(std::uint64_t id) const {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu.seg", static_cast<unsigned long long>(id));
  return opts_.dir + "/" + name;
}

result<std::unique_ptr<segment_log>> segment_log::open(const options& opts,
                                                       const recover_fn& fn) {
  std::error_code ec;
  std::filesystem::create_directories(opts.dir, ec);
  if (ec) return make_error("spool.io", "cannot create " + opts.dir + ": " + ec.message());
  std::unique_ptr<segment_log> log(new segment_log(opts));
  if (auto r = log->scan_existing(fn); !r) return std::unexpected(r.error());
  if (auto r = log->roll(); !r) return std::unexpected(r.error());
  return log;
}

result<void> segment_log::scan_existing(const recover_fn& fn) {
  std::vector<std::uint64_t> ids;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(opts_.dir, ec)) {
    std::uint64_t id = 0;
    if (e.is_regular_file() && parse_segment_name(e.path().filename().string(), id)) {
      ids.push_back(id);
    }
  }
  if (ec) return make_error("spool.io", "cannot list " + opts_.dir + ": " + ec.message());
  std::sort(ids.begin(), ids.end());

  std::string buf;
  for (auto id : ids) {
    auto seg = std::make_shared<segment>();
    seg->id = id;
    seg->path = path_of(id);
    seg->fd = ::open(seg->path.c_str(), O_RDWR | O_CLOEXEC);
    if (seg->fd < 0) return io_error("cannot open", seg->path, errno);
    struct stat st{};
    if (::fstat(seg->fd, &st) != 0) return io_error("cannot stat", seg->path, errno);
    seg->size = static_cast<std::uint64_t>(st.st_size);
    if (seg->size == 0) {  // a segment opened but never written: nothing to keep
      ::unlink(seg->path.c_str());
      continue;
    }
    buf.resize(seg->size);
    int err = 0;
    if (!pread_all(seg->fd, buf.data(), buf.size(), 0, err)) {
      return io_error("cannot read", seg->path, err);
    }
    {
      std::lock_guard lk(mu_);
      segments_.emplace(id, seg);
    }
    recovery_ += scan_frames(buf, [&](const frame_view& f) {
      fn(recovered{f.type, f.seq, f.payload,
                   record_location{id, f.offset, static_cast<std::uint32_t>(f.size)}});
    });
  }
  return {};
}

result<void> segment_log::roll() {
  std::uint64_t next = 1;
  {
    std::lock_guard lk(mu_);
    if (!segments_.empty()) next = segments_.rbegin()->first + 1;
  }
  if (active_ && active_->size > 0 && ::fdatasync(active_->fd) != 0) {
    return io_error("cannot sync", active_->path, errno);
  }
  auto seg = std::make_shared<segment>();
  seg->id = next;
  seg->path = path_of(next);
  seg->fd = ::open(seg->path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (seg->fd < 0) return io_error("cannot create", seg->path, errno);
  if (int err = fsync_dir(opts_.dir); err != 0) {
    ::unlink(seg->path.c_str());
    return io_error("cannot sync directory", opts_.dir, err);
  }
  std::lock_guard lk(mu_);
  segments_.emplace(next, seg);
  active_ = std::move(seg);
  return {};
}

result<void> segment_log::write_chunks(std::string_view frames,
                                       std::span<const std::uint32_t> sizes,
                                       std::vector<record_location>& where) {
  std::size_t i = 0;
  std::size_t pos = 0;
  while (i < sizes.size()) {
    std::uint64_t room =
        opts_.segment_bytes > active_->size ? opts_.segment_bytes - active_->size : 0;
    std::size_t j = i;
    std::uint64_t bytes = 0;
    // An empty segment takes at least one frame, however large.
    while (j < sizes.size() && (bytes + sizes[j] <= room || (j == i && active_->size == 0))) {
      bytes += sizes[j];
      ++j;
    }
    if (j == i) {
      if (auto r = roll(); !r) return r;
      continue;
    }
    undo_.push_back({active_, active_->size});
    int err = 0;
    if (!pwrite_all(active_->fd, frames.data() + pos, bytes, active_->size, err)) {
      return io_error("cannot write", active_->path, err);
    }
    std::uint64_t off = active_->size;
    for (std::size_t k = i; k < j; ++k) {
      where.push_back(record_location{active_->id, off, sizes[k]});
      off += sizes[k];
    }
    {
      std::lock_guard lk(mu_);
      active_->size += bytes;
    }
    pos += bytes;
    i = j;
  }
  return {};
}

void segment_log::rollback() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    // If the cut fails the bytes stay, but the next write goes to the
    // remembered offset and overwrites them; anything left is a torn region
    // that recovery skips.
    (void)::ftruncate(it->seg->fd, static_cast<off_t>(it->size_before));
    std::lock_guard lk(mu_);
    it->seg->size = it->size_before;
  }
  undo_.clear();
}

result<void> segment_log::write(std::string_view frames, std::span<const std::uint32_t> sizes,
                                std::vector<record_location>& where, bool sync) {
  where.clear();
  undo_.clear();
  auto r = write_chunks(frames, sizes, where);
  if (r && sync && ::fdatasync(active_->fd) != 0) {
    r = io_error("cannot sync", active_->path, errno);
  }
  if (!r) {
    rollback();
    where.clear();
    return r;
  }
  undo_.clear();
  return {};
}

result<void> segment_log::sync() {
  if (::fdatasync(active_->fd) != 0) return io_error("cannot sync", active_->path, errno);
  return {};
}

result<std::string> segment_log::read(const record_location& where) const {
  std::shared_ptr<segment> seg;
  {
    std::lock_guard lk(mu_);
    auto it = segments_.find(where.segment);
    if (it == segments_.end()) return make_error("spool.corrupt", "segment no longer exists");
    seg = it->second;
  }
  std::string buf(where.size, '\0');
  int err = 0;
  if (!pread_all(seg->fd, buf.data(), buf.size(), where.offset, err)) {
    return io_error("cannot read", seg->path, err);
  }
  frame_view f;
  if (!parse_frame(buf, f) || f.size != buf.size()) {
    return make_error("spool.corrupt", "record fails its checksum in " + seg->path);
  }
  return std::string(f.payload);
}

void segment_log::retain(const record_location& where) {
  std::lock_guard lk(mu_);
  if (auto it = segments_.find(where.segment); it != segments_.end()) {
    ++it->second->live;
    it->second->live_bytes += where.size;
  }
}

void segment_log::release(const record_location& where) {
  std::lock_guard lk(mu_);
  if (auto it = segments_.find(where.segment); it != segments_.end()) {
    --it->second->live;
    it->second->live_bytes -= where.size;
  }
}

void segment_log::add_ref(std::uint64_t from, std::uint64_t to) {
  if (from == to) return;
  std::lock_guard lk(mu_);
  auto it = segments_.find(from);
  if (it == segments_.end() || !segments_.contains(to)) return;
  auto& refs = it->second->refs;
  if (std::find(refs.begin(), refs.end(), to) == refs.end()) refs.push_back(to);
}

std::size_t segment_log::collect() {
  std::size_t n = 0;
  std::lock_guard lk(mu_);
  // Oldest first: deleting one may free a later one that referred to it.
  for (auto it = segments_.begin(); it != segments_.end();) {
    const auto& seg = it->second;
    bool pinned = seg == active_ || seg->live > 0 ||
                  std::any_of(seg->refs.begin(), seg->refs.end(),
                              [&](std::uint64_t r) { return segments_.contains(r); });
    if (pinned) {
      ++it;
      continue;
    }
    ::unlink(seg->path.c_str());  // readers holding the segment keep their fd
    it = segments_.erase(it);
    ++n;
  }
  return n;
}

std::vector<std::uint64_t> segment_log::sparse_segments(double max_live_ratio) const {
  std::vector<std::uint64_t> out;
  std::lock_guard lk(mu_);
  for (const auto& [id, seg] : segments_) {
    if (seg == active_ || seg->live == 0) continue;
    if (static_cast<double>(seg->live_bytes) < max_live_ratio * static_cast<double>(seg->size)) {
      out.push_back(id);
    }
  }
  return out;
}

std::size_t segment_log::segment_count() const {
  std::lock_guard lk(mu_);
  return segments_.size();
}

std::uint64_t segment_log::disk_bytes() const {
  std::lock_guard lk(mu_);
  std::uint64_t n = 0;
  for (const auto& [id, s] : segments_) n += s->size;
  return n;
}

}  // namespace simpul::spool
