#include "connectors/file/file_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <boost/asio/post.hpp>

namespace simpul::connectors::file {

namespace fs = std::filesystem;

namespace {

/// A substituted value may not leave the directory or hide the file.
std::string clean_name_value(std::string_view v) {
  std::string out(v);
  for (char& c : out) {
    if (c == '/' || c == '\\' || c == '\0' || c == '\n') c = '_';
  }
  if (out.starts_with(".")) out[0] = '_';
  return out;
}

delivery_result failure(delivery_result::outcome o, std::string detail) {
  delivery_result r;
  r.state = o;
  r.detail = std::move(detail);
  return r;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

output::output(output_settings s) : settings_(std::move(s)) {}

output::~output() { stop(); }

result<void> output::start() {
  std::error_code ec;
  fs::create_directories(settings_.dir, ec);
  if (ec) return make_error("file.dir", "cannot create " + settings_.dir.string() + ": " + ec.message());
  started_ = true;
  return {};
}

void output::stop() {
  disk_.join();  // the queued writes finish first
  started_ = false;
}

result<output::route_options> output::read_options(const config::node& n) {
  auto name = text_template::parse(n.get_string("filename", "{{route}}-{{id}}.json"));
  if (!name) return std::unexpected(name.error());
  auto format = parse_format(n.get_string("format", "json"));
  if (!format) return std::unexpected(format.error());
  if (*format == record_format::xml) return make_error("file.format", "the file output writes json, ndjson, csv or raw");
  return route_options{std::move(*name), *format};
}

result<std::shared_ptr<const output::route_options>> output::options_for(const config::node_ptr& n) {
  return cache_.get(n, &output::read_options);
}

void output::send(message_ptr msg, config::node_ptr route_options, delivery_handler done) {
  auto opts = options_for(route_options);
  if (!opts) {
    done(failure(delivery_result::outcome::permanent, opts.error().message));
    return;
  }
  std::lock_guard lock(queue_mu_);
  queue_.push_back({std::move(msg), std::move(*opts), std::move(done)});
  if (!drain_posted_) {
    drain_posted_ = true;
    boost::asio::post(disk_, [this] { drain(); });
  }
}

namespace {

/// Appends the message as one line to `out` (no copy of the body on its own).
void append_line(std::string& out, const message& msg, record_format format) {
  const std::size_t start = out.size();
  out += msg.body;
  if (format == record_format::ndjson) {
    // Raw newlines in JSON are insignificant whitespace (inside strings they
    // are always escaped), so flattening keeps the value intact.
    std::replace_if(out.begin() + static_cast<std::ptrdiff_t>(start), out.end(),
                    [](char c) { return c == '\n' || c == '\r'; }, ' ');
  }
  if (out.size() == start || out.back() != '\n') out += '\n';
}

std::string line_of(const message& msg, record_format format) {
  std::string line;
  append_line(line, msg, format);
  return line;
}

bool appends(record_format f) { return f == record_format::ndjson || f == record_format::csv; }

}  // namespace

void output::drain() {
  std::vector<pending_write> batch;
  {
    std::lock_guard lock(queue_mu_);
    batch.swap(queue_);
    drain_posted_ = false;
  }
  // Appends to one file: all lines in one write and one fdatasync. Files are
  // kept in first-seen order and lines in arrival order.
  std::vector<std::pair<std::string, std::vector<std::size_t>>> files;
  std::vector<delivery_result> results(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& w = batch[i];
    if (!appends(w.opts->format)) {
      results[i] = write(*w.msg, *w.opts);
      continue;
    }
    std::string name = w.opts->filename.render(*w.msg, clean_name_value);
    if (name.empty()) {
      results[i] = failure(delivery_result::outcome::permanent, "file name template rendered empty");
      continue;
    }
    auto it = std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.first == name; });
    if (it == files.end()) it = files.insert(files.end(), {name, {}});
    it->second.push_back(i);
  }
  for (const auto& [name, items] : files) {
    std::string lines;
    std::size_t need = 0;
    for (auto i : items) need += batch[i].msg->body.size() + 1;
    lines.reserve(need);
    for (auto i : items) append_line(lines, *batch[i].msg, batch[i].opts->format);
    auto r = append(settings_.dir / name, name, lines);
    for (auto i : items) results[i] = r;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
}

delivery_result output::append(const fs::path& path, const std::string& name, std::string_view lines) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return failure(delivery_result::outcome::retryable, "cannot open " + name + ": " + std::strerror(errno));
  bool ok = write_all(fd, lines) && ::fdatasync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) return failure(delivery_result::outcome::retryable, "cannot append to " + name + ": " + std::strerror(err));
  return {};
}

delivery_result output::write(const message& msg, const route_options& o) {
  std::string name = o.filename.render(msg, clean_name_value);
  if (name.empty()) return failure(delivery_result::outcome::permanent, "file name template rendered empty");
  fs::path path = settings_.dir / name;
  if (appends(o.format)) return append(path, name, line_of(msg, o.format));
  fs::path tmp = settings_.dir / ("." + name + "." + msg.id + ".tmp");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failure(delivery_result::outcome::retryable, "cannot create " + name + ": " + std::strerror(errno));
  bool ok = write_all(fd, msg.body) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    return failure(delivery_result::outcome::retryable, "cannot write " + name + ": " + std::strerror(err));
  }
  fsync_dir(settings_.dir);
  return {};
}

}  // namespace simpul::connectors::file
