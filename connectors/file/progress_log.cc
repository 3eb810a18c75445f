#include "connectors/file/progress_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace simpul::connectors::file {
namespace {

// First line of a log: the SHA-256 of the content whose records it counts.
constexpr std::string_view content_prefix = "#sha256\t";

}  // namespace

struct progress_log::flusher {
  explicit flusher(int f) : fd(f) { thread = std::thread([this] { run(); }); }
  ~flusher() {
    {
      std::lock_guard lk(m);
      stop = true;
    }
    cv.notify_all();
    thread.join();
  }
  void run() {
    std::unique_lock lk(m);
    while (true) {
      cv.wait(lk, [this] { return stop || written != synced; });
      if (written == synced) return;  // stopping, nothing left to flush
      std::uint64_t target = written;
      lk.unlock();
      bool ok = ::fdatasync(fd) == 0;
      int err = errno;
      lk.lock();
      if (!ok && error == 0) error = err;
      synced = target;
      done.notify_all();
    }
  }
  int fd;
  std::mutex m;
  std::condition_variable cv;    // work for the flusher
  std::condition_variable done;  // a flush finished
  std::uint64_t written = 0;     // batches written (guarded by m)
  std::uint64_t synced = 0;      // of them, covered by a finished fdatasync
  int error = 0;                 // first failed fdatasync
  bool stop = false;
  std::thread thread;
};

result<progress_log> progress_log::open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return make_error("file.io", "cannot open " + path.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return make_error("file.locked", path.string() + " is held by another process");
  }
  progress_log log(path, fd);
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(text.size()))) > 0) text.append(buf, n);
  // Lines: "<index>\t<ok|rejected>\t<reason>\n"; a torn last line (crash
  // mid-write) has no '\n' and is ignored: that record is sent again.
  std::size_t pos = 0;
  while (true) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) break;
    std::string_view line(text.data() + pos, end - pos);
    if (line.starts_with(content_prefix)) {
      log.content_ = std::string(line.substr(content_prefix.size()));
      pos = end + 1;
      continue;
    }
    auto t1 = line.find('\t');
    auto t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 != std::string_view::npos) {
      entry e;
      e.index = std::stoul(std::string(line.substr(0, t1)));
      auto what = line.substr(t1 + 1, t2 - t1 - 1);
      e.what = what == "rejected" ? outcome::rejected : what == "unreadable" ? outcome::unreadable : outcome::ok;
      e.reason = std::string(line.substr(t2 + 1));
      log.entries_.push_back(std::move(e));
    }
    pos = end + 1;
  }
  if (pos != text.size()) {
    if (::ftruncate(fd, static_cast<off_t>(pos)) != 0) {
      return make_error("file.io", "cannot repair " + path.string() + ": " + std::strerror(errno));
    }
  }
  return log;
}

progress_log::progress_log(progress_log&& o) noexcept
    : path_(std::move(o.path_)),
      fd_(std::exchange(o.fd_, -1)),
      entries_(std::move(o.entries_)),
      content_(std::move(o.content_)),
      flusher_(std::move(o.flusher_)) {}

progress_log::~progress_log() {
  stop_flusher();  // flushes what is still pending first
  if (fd_ >= 0) ::close(fd_);
}

void progress_log::stop_flusher() { flusher_.reset(); }

result<bool> progress_log::claim_for(const std::string& sha256) {
  if (content_ == sha256) return false;
  if (content_.empty() && !entries_.empty()) return false;  // written before content lines
  bool stale = !content_.empty();
  if (stale) {
    stop_flusher();
    if (::ftruncate(fd_, 0) != 0) {
      return make_error("file.io", "cannot reset " + path_.string() + ": " + std::strerror(errno));
    }
    entries_.clear();
  }
  std::string line = std::string(content_prefix) + sha256 + "\n";
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fdatasync(fd_) != 0) {
    return make_error("file.io", "cannot write " + path_.string() + ": " + std::strerror(errno));
  }
  content_ = sha256;
  return stale;
}

result<void> progress_log::flush() {
  if (!flusher_) return {};
  std::unique_lock lk(flusher_->m);
  flusher_->done.wait(lk, [&] { return flusher_->synced == flusher_->written; });
  if (flusher_->error != 0) {
    return make_error("file.io", "cannot sync " + path_.string() + ": " + std::strerror(flusher_->error));
  }
  return {};
}

result<void> progress_log::append(entry e) {
  std::vector<entry> one;
  one.push_back(std::move(e));
  return append(std::move(one));
}

result<void> progress_log::append(std::vector<entry> batch, sync how) {
  std::string text;
  text.reserve(batch.size() * 12);
  for (const auto& e : batch) {
    std::string reason = e.reason;
    for (char& c : reason) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    const char* what = e.what == outcome::rejected     ? "\trejected\t"
                       : e.what == outcome::unreadable ? "\tunreadable\t"
                                                       : "\tok\t";
    text += std::to_string(e.index);
    text += what;
    text += reason;
    text += '\n';
  }
  if (::write(fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      (how == sync::now && ::fdatasync(fd_) != 0)) {
    return make_error("file.io", "cannot write " + path_.string() + ": " + std::strerror(errno));
  }
  for (auto& e : batch) entries_.push_back(std::move(e));
  if (how == sync::background) {
    if (!flusher_) flusher_ = std::make_shared<flusher>(fd_);
    int err = 0;
    {
      std::lock_guard lk(flusher_->m);
      ++flusher_->written;
      err = flusher_->error;
    }
    flusher_->cv.notify_one();
    if (err != 0) return make_error("file.io", "cannot sync " + path_.string() + ": " + std::strerror(err));
  }
  return {};
}

void progress_log::remove() {
  stop_flusher();
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace simpul::connectors::file
