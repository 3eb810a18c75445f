#pragma once

#include <utility>  // before Boost.Asio in C++23 mode

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "connectors/connector.h"
#include "connectors/file/file_settings.h"
#include "connectors/options_cache.h"
#include "connectors/text_template.h"

namespace simpul::connectors::file {

/// Writes messages to files named by a template of the route's `to:` options.
/// json/raw: one file per message, written atomically (temp file in the same
/// directory, fsync, rename, fsync of the directory), so readers never see a
/// half file and a retry of the same message id rewrites the same file.
/// ndjson/csv: appended to the named file (a `{{date}}` name rotates daily),
/// one record per line, fsynced before `delivered`. Appends are group
/// committed: the sends that queued up while the disk thread was busy are
/// written to each file together and share one fdatasync (the spool's idea),
/// in arrival order.
///
/// Threading: `send` from any thread; the writes run on the output's own
/// single disk thread (which also orders appends). Ownership: the hub owns it.
class output final : public connectors::output {
 public:
  explicit output(output_settings s);
  ~output() override;

  void send(message_ptr msg, config::node_ptr route_options, delivery_handler done) override;
  result<void> start() override;
  void stop_accepting() override {}
  void stop() override;
  bool ready() const override { return started_; }

  struct route_options {
    text_template filename;
    record_format format = record_format::json;
  };
  static result<route_options> read_options(const config::node& n);

 private:
  result<std::shared_ptr<const route_options>> options_for(const config::node_ptr& n);
  struct pending_write {
    message_ptr msg;
    std::shared_ptr<const route_options> opts;
    delivery_handler done;
  };
  void drain();  // disk thread: writes everything queued so far
  delivery_result write(const message& msg, const route_options& o);  // disk thread
  /// Appends `lines` to `path` with one fdatasync (disk thread).
  delivery_result append(const std::filesystem::path& path, const std::string& name,
                         std::string_view lines);

  std::mutex queue_mu_;
  std::vector<pending_write> queue_;  // guarded by queue_mu_
  bool drain_posted_ = false;         // guarded by queue_mu_

  output_settings settings_;
  boost::asio::thread_pool disk_{1};
  bool started_ = false;
  options_cache<route_options> cache_;
};

}  // namespace simpul::connectors::file
