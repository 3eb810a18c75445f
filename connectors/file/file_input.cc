#include "connectors/file/file_input.h"

#include "monitoring/json_escape.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "connectors/file/record_feed.h"
#include "monitoring/log.h"

namespace simpul::connectors::file {

namespace fs = std::filesystem;
namespace asio = boost::asio;

namespace {

const monitoring::logger log_{"file"};

std::string utc_suffix() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%S", &tm);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

/// Writes `text` to `path` atomically (temp file, fsync, rename).
bool write_atomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  return ok && ::rename(tmp.c_str(), path.c_str()) == 0;
}

/// The whole file in one read loop (an istreambuf_iterator costs ~20
/// instructions a byte). `size` is a hint; a file that grew is read to its end.
bool read_whole(const fs::path& path, std::uintmax_t size, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.resize(static_cast<std::size_t>(size) + 1);
  std::size_t have = 0;
  while (true) {
    if (have == out.size()) out.resize(out.size() * 2);
    ssize_t n = ::read(fd, out.data() + have, out.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      errno = err;
      return false;
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(have);
  return true;
}

// The hub derives names from a claimed file's: ".<name>.progress" in
// processing/, "<name>.<utc>.error.json" (and its ".tmp") in failed/. They
// must fit in NAME_MAX (255 bytes on every Linux file system): a 240-byte
// name once made the progress log fail to open, and the file sat in
// processing/ for good, never read, never moved on.
constexpr std::size_t kMaxClaimedName = 200;

/// `name`, or when it is too long to derive names from: its first bytes (cut
/// at a UTF-8 character), "~", 16 hex digits of its SHA-256 and its
/// extension, so distinct long names stay distinct.
std::string claimed_name(const std::string& name) {
  if (name.size() <= kMaxClaimedName) return name;
  std::string ext;
  if (auto dot = name.rfind('.'); dot != std::string::npos && name.size() - dot <= 16) ext = name.substr(dot);
  std::size_t keep = kMaxClaimedName - 17 - ext.size();
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return name.substr(0, keep) + "~" + sha256_hex(name).substr(0, 16) + ext;
}

const char* content_type_of(record_format f) {
  switch (f) {
    case record_format::xml: return "application/xml";
    case record_format::raw: return "application/octet-stream";
    default: return "application/json";
  }
}

}  // namespace

struct input::signal : worker_signal {
  bool poked = false;  // guarded by m
  void poke() {
    {
      std::lock_guard lock(m);
      poked = true;
    }
    cv.notify_all();
  }
};

/// Reads inotify events on the io_context; any event in the directory wakes
/// the worker, which rescans (the events only say "look now").
class input::watcher : public std::enable_shared_from_this<input::watcher> {
 public:
  watcher(asio::io_context& io, int fd, std::shared_ptr<signal> s) : sd_(io, fd), signal_(std::move(s)) {}
  void read() {
    sd_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return;  // closed or aborted: the periodic rescan still runs
      self->signal_->poke();
      self->read();
    });
  }
  void close() {
    asio::post(sd_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ec;
      self->sd_.close(ec);
    });
  }

 private:
  asio::posix::stream_descriptor sd_;
  std::shared_ptr<signal> signal_;
  std::array<char, 4096> buf_{};
};

input::input(asio::io_context& io, input_settings s, std::string connector, fs::path state_dir)
    : io_(io),
      settings_(std::move(s)),
      connector_(std::move(connector)),
      state_dir_(std::move(state_dir)),
      signal_(std::make_shared<signal>()) {}

input::~input() { stop(); }

result<void> input::bind(route_binding binding) {
  routes_.emplace_back(binding.route, std::move(binding.sink));
  return {};
}

result<void> input::start() {
  if (routes_.empty()) return make_error("file.unbound", connector_ + ": no route uses this input");
  std::error_code ec;
  for (const auto& d : {settings_.dir, settings_.processing_dir, settings_.processed_dir, settings_.failed_dir}) {
    fs::create_directories(d, ec);
    if (ec) return make_error("file.dir", "cannot create " + d.string() + ": " + ec.message());
  }
  auto seen = seen_index::open(state_dir_ / "seen.index");
  if (!seen) return std::unexpected(seen.error());
  seen_ = std::move(*seen);

  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd >= 0 && inotify_add_watch(fd, settings_.dir.c_str(),
                                   IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_ATTRIB) >= 0) {
    watcher_ = std::make_shared<watcher>(io_, fd, signal_);
    watcher_->read();
  } else {
    if (fd >= 0) ::close(fd);
    log_.warn("inotify unavailable for " + settings_.dir.string() + "; relying on the periodic rescan");
  }
  running_ = true;
  worker_ = std::thread([this] { run(); });
  return {};
}

void input::stop_accepting() {
  {
    std::lock_guard lock(signal_->m);
    signal_->stopping = true;
  }
  signal_->cv.notify_all();
  if (watcher_) watcher_->close();
}

void input::stop() {
  stop_accepting();
  if (worker_.joinable()) worker_.join();
  running_ = false;
}

bool input::stopping() const {
  std::lock_guard lock(signal_->m);
  return signal_->stopping;
}

void input::run() {
  // Files a previous run left half done come first.
  std::error_code ec;
  std::vector<std::string> leftovers, orphan_logs;
  for (const auto& e : fs::directory_iterator(settings_.processing_dir, ec)) {
    auto name = e.path().filename().string();
    if (!e.is_regular_file()) continue;
    if (!name.starts_with(".")) {
      leftovers.push_back(name);
    } else if (name.ends_with(".progress") && name.size() > 10) {
      orphan_logs.push_back(name);
    }
  }
  // A crash between moving a finished file on and deleting its log leaves the
  // log behind; claim_for keeps it from misleading a same-named file, and
  // here it is cleared away (under its lock: another hub may be mid-file).
  for (const auto& log_name : orphan_logs) {
    auto file = settings_.processing_dir / log_name.substr(1, log_name.size() - 10);
    if (fs::exists(file, ec)) continue;
    auto log = progress_log::open(settings_.processing_dir / log_name);
    if (log && !fs::exists(file, ec)) {
      log->remove();
      log_.info("removed the progress log " + log_name + ": its file was already moved on");
    }
  }
  for (auto name : leftovers) {
    if (stopping()) return;
    // Left by a hub that claimed long names as they were (it could not
    // track them: no progress log, so nothing of them was delivered).
    if (auto claimed = claimed_name(name); claimed != name) {
      auto from = settings_.processing_dir / name, to = settings_.processing_dir / claimed;
      if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
        log_.warn("cannot rename " + name + " to " + claimed + ": " + std::strerror(errno));
        continue;
      }
      name = std::move(claimed);
    }
    process(name);
  }
  while (!stopping()) {
    auto wake = std::chrono::steady_clock::now() + settings_.rescan_interval;
    for (const auto& name : scan(wake)) {
      if (stopping()) return;
      claim_and_process(name);
    }
    std::unique_lock lock(signal_->m);
    signal_->cv.wait_until(lock, wake, [this] { return signal_->poked || signal_->stopping; });
    signal_->poked = false;
  }
}

std::vector<std::string> input::scan(std::chrono::steady_clock::time_point& wake) {
  std::vector<std::string> ready;
  std::map<std::string, observed> still;
  auto now = std::chrono::steady_clock::now();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(settings_.dir, ec)) {
    std::error_code fec;
    if (!e.is_regular_file(fec)) continue;
    auto name = e.path().filename().string();
    if (name.starts_with(".") || name.ends_with(".done")) continue;
    bool wanted = false;
    for (const auto& p : settings_.patterns) wanted = wanted || glob_match(p, name);
    if (!wanted) continue;
    switch (settings_.complete.how) {
      case completion::kind::rename:
        ready.push_back(name);
        break;
      case completion::kind::done_marker:
        if (fs::exists(settings_.dir / (name + ".done"), fec)) ready.push_back(name);
        break;
      case completion::kind::stable: {
        auto size = e.file_size(fec);
        auto mtime = e.last_write_time(fec);
        auto it = observed_.find(name);
        observed o{size, mtime, now};
        if (it != observed_.end() && it->second.size == size && it->second.mtime == mtime) o.since = it->second.since;
        if (now - o.since >= settings_.complete.stable_for) {
          ready.push_back(name);
        } else {
          still[name] = o;
          wake = std::min(wake, o.since + settings_.complete.stable_for);
        }
        break;
      }
    }
  }
  observed_ = std::move(still);
  std::sort(ready.begin(), ready.end());
  return ready;
}

void input::claim_and_process(const std::string& name) {
  // renameat2(NOREPLACE): atomic, so of two hubs on one directory exactly one
  // wins (the other gets ENOENT), and a same-named file still in processing/
  // is never overwritten (EEXIST: it waits for the next scan).
  const std::string claimed = claimed_name(name);
  fs::path from = settings_.dir / name;
  fs::path to = settings_.processing_dir / claimed;
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno != ENOENT) log_.warn("cannot claim " + name + ": " + std::strerror(errno));
    return;
  }
  if (claimed != name) {
    log_.warn("file name of " + std::to_string(name.size()) + " bytes is too long to track: " + name +
              " is processed as " + claimed);
  }
  process(claimed);
}

void input::process(const std::string& name) {
  fs::path path = settings_.processing_dir / name;
  auto log = progress_log::open(settings_.processing_dir / ("." + name + ".progress"));
  if (!log) {
    if (log.error().code != "file.locked") log_.error(log.error().message);
    return;  // another hub is on it
  }
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) {  // another hub finished it between our listing and our lock
    log->remove();
    return;
  }
  std::string content;
  std::string too_large;
  if (size > settings_.max_file_size) {
    too_large = "file is larger than max_file_size (" + std::to_string(size) + " bytes)";
  } else if (!read_whole(path, size, content)) {
    log_.error("cannot read " + path.string() + ": " + std::strerror(errno));
    return;  // stays in processing/: the next start resumes it
  }
  std::string sha = sha256_hex(content);
  if (auto fresh = log->claim_for(sha); !fresh) {
    log_.error(fresh.error().message);
    return;  // stays in processing/: the next start resumes it
  } else if (*fresh) {
    log_.warn("progress log of " + name + " was left by other content; reading it from the start");
  }
  if (log->done() == 0 && seen_->contains(sha)) {
    log_.info("skipping " + name + ": the same content was ingested before");
    fs::rename(path, settings_.processed_dir / (name + "." + utc_suffix() + ".duplicate"), ec);
    if (settings_.complete.how == completion::kind::done_marker) fs::remove(settings_.dir / (name + ".done"), ec);
    log->remove();
    return;
  }
  // The records are parsed on a reader thread while the worker offers the
  // first ones (record_feed.h); pipelined: up to max_in_flight records with
  // the hub at once, answers logged in record order (a resume restarts
  // after the last one).
  record_feed feed(signal_, too_large.empty() ? max_records(content, settings_) : 0);
  std::thread reader;
  if (too_large.empty()) {
    reader = std::thread([&] {
      feed.close(read_records(content, settings_, [&](record&& r) { return feed.push(std::move(r)); }));
    });
  } else {
    feed.close(too_large);
  }
  offer_window window(signal_, routes_, settings_.max_in_flight);
  auto made = window.run(
      feed, log->done(),
      [&](std::size_t i, const std::string& route) {
        // The last route's message takes the body (retries reuse the message).
        bool last = route == routes_.back().first;
        return make_message(name, i, feed.at(i), route, last);
      },
      [&](std::vector<progress_log::entry> done) {
        // Written at once; fdatasynced by the log's flusher thread, so the
        // worker goes on offering while the disk works (see progress_log.h).
        if (auto ok = log->append(std::move(done), progress_log::sync::background); !ok) {
          log_.error(ok.error().message);
          return false;
        }
        return true;
      });
  feed.cancel();
  if (reader.joinable()) reader.join();
  // stopped: resumed from the first unlogged record on the next start;
  // failed: the file stays in processing/, a restart resumes it.
  if (made != offer_window::outcome::finished) return;
  finish(name, sha, feed, *log);
}

message_ptr input::make_message(const std::string& name, std::size_t index, record& r,
                                const std::string& route, bool take_body) const {
  auto msg = std::make_shared<message>();
  msg->id = make_message_id();
  msg->key = name + ":" + std::to_string(index + 1);  // stable across a resume
  if (take_body) msg->body = std::move(r.body);
  else msg->body = r.body;
  msg->content_type = settings_.format == record_format::raw ? settings_.content_type : content_type_of(settings_.format);
  msg->source = connector_;
  msg->route = route;
  msg->received_at = std::chrono::system_clock::now();
  msg->trace_id = make_trace_id();
  msg->attributes.emplace_back("file", name);
  msg->attributes.emplace_back("line", std::to_string(r.line));
  if (settings_.format == record_format::csv) msg->attributes.emplace_back("row", std::to_string(index + 1));
  return msg;
}

void input::finish(const std::string& name, const std::string& sha, const record_feed& records,
                   progress_log& log) {
  const std::string& fatal = records.fatal();
  bool unreadable = !fatal.empty();
  std::string failures;
  for (const auto& e : log.entries()) {
    if (e.what == progress_log::outcome::ok) continue;
    unreadable = unreadable || e.what == progress_log::outcome::unreadable ||
                 (settings_.rejected_to_failed && e.what == progress_log::outcome::rejected);
    int line = e.index < records.size() ? records.at(e.index).line : 0;
    if (!failures.empty()) failures += ",\n    ";
    failures += "{\"record\": " + std::to_string(e.index + 1) + ", \"line\": " + std::to_string(line) +
                ", \"status\": \"" + (e.what == progress_log::outcome::rejected ? "rejected" : "unreadable") +
                "\", \"reason\": \"" + monitoring::json_escape(e.reason) + "\"}";
  }
  fs::path dest = (unreadable ? settings_.failed_dir : settings_.processed_dir) / (name + "." + utc_suffix());
  std::error_code ec;
  fs::rename(settings_.processing_dir / name, dest, ec);
  if (ec) {
    log_.error("cannot move " + name + " to " + dest.string() + ": " + ec.message());
    return;
  }
  if (!failures.empty() || !fatal.empty()) {
    std::string sidecar = "{\n  \"file\": \"" + monitoring::json_escape(name) + "\",\n  \"sha256\": \"" + sha +
                          "\",\n  \"records\": " + std::to_string(records.size()) + ",\n";
    if (!fatal.empty()) sidecar += "  \"error\": \"" + monitoring::json_escape(fatal) + "\",\n";
    sidecar += "  \"failed\": [" + (failures.empty() ? "" : "\n    " + failures + "\n  ") + "]\n}\n";
    fs::path side = dest;
    side += ".error.json";
    if (!write_atomically(side, sidecar)) log_.error("cannot write " + side.string());
  }
  if (auto ok = seen_->add(sha, name); !ok) log_.error(ok.error().message);
  if (settings_.complete.how == completion::kind::done_marker) fs::remove(settings_.dir / (name + ".done"), ec);
  log.remove();
  log_.info("finished " + name + " -> " + dest.string());
}

}  // namespace simpul::connectors::file
