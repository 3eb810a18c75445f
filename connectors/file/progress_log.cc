#include "connectors/file/progress_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace simpul::connectors::file {

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
    : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)), entries_(std::move(o.entries_)) {}

progress_log::~progress_log() {
  if (fd_ >= 0) ::close(fd_);
}

result<void> progress_log::append(entry e) {
  std::vector<entry> one;
  one.push_back(std::move(e));
  return append(std::move(one));
}

result<void> progress_log::append(std::vector<entry> batch) {
  std::string text;
  for (const auto& e : batch) {
    std::string reason = e.reason;
    for (char& c : reason) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    const char* what = e.what == outcome::rejected     ? "\trejected\t"
                       : e.what == outcome::unreadable ? "\tunreadable\t"
                                                       : "\tok\t";
    text += std::to_string(e.index) + what + reason + "\n";
  }
  if (::write(fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size()) || ::fdatasync(fd_) != 0) {
    return make_error("file.io", "cannot write " + path_.string() + ": " + std::strerror(errno));
  }
  for (auto& e : batch) entries_.push_back(std::move(e));
  return {};
}

void progress_log::remove() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace simpul::connectors::file
