#pragma once

#include <utility>  // before Boost.Asio in C++23 mode

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "connectors/connector.h"
#include "connectors/file/file_settings.h"
#include "connectors/file/offer_window.h"
#include "connectors/file/progress_log.h"
#include "connectors/file/record_reader.h"
#include "connectors/file/seen_index.h"

namespace simpul::connectors::file {

/// Takes complete files from a drop directory, hands their records to the
/// routes bound to it, and moves each file on once every record was answered.
///
/// A file goes: `<dir>/x` --claim (atomic rename)--> `processing/x` -->
/// `processed/x.<utc>` (every record accepted or dead-lettered by the hub)
/// or `failed/x.<utc>` (some record could not be read, or the file as a
/// whole); a `.error.json` sidecar beside it lists the records that were not
/// accepted and why. Records are offered pipelined (`max_in_flight` at a
/// time, see offer_window.h); the fate of each is appended, in record order,
/// to a progress log, so a restart resumes after the last answered record.
/// `unavailable` offers the same record again after `retry_after`.
///
/// Threading: inotify is read on the io_context (stream_descriptor) and only
/// wakes the worker; all disk work and the waits for the hub run on one
/// worker thread per input (never on an io thread), helped per file by a
/// reader thread that parses the records (record_feed.h) and the progress
/// log's flusher thread. Ownership: the hub owns it.
class input final : public connectors::input {
 public:
  input(boost::asio::io_context& io, input_settings s, std::string connector, std::filesystem::path state_dir);
  ~input() override;

  result<void> bind(route_binding binding) override;
  result<void> start() override;
  void stop_accepting() override;
  void stop() override;
  bool ready() const override { return running_.load(); }

 private:
  struct signal;   // wakes the worker (inotify, stop)
  class watcher;   // inotify on the io_context

  void run();                                               // worker
  std::vector<std::string> scan(std::chrono::steady_clock::time_point& wake);  // worker
  void claim_and_process(const std::string& name);          // worker
  void process(const std::string& name);                    // worker: the file is in processing/
  void finish(const std::string& name, const std::string& sha, const record_feed& records,
              progress_log& log);
  /// `take_body`: move the record's body into the message (its last use).
  message_ptr make_message(const std::string& name, std::size_t index, record& r, const std::string& route,
                           bool take_body) const;
  bool stopping() const;

  boost::asio::io_context& io_;
  input_settings settings_;
  std::string connector_;
  std::filesystem::path state_dir_;
  std::vector<std::pair<std::string, std::shared_ptr<ingress>>> routes_;
  std::shared_ptr<signal> signal_;
  std::shared_ptr<watcher> watcher_;
  std::optional<seen_index> seen_;
  std::thread worker_;
  std::atomic<bool> running_{false};
  struct observed {
    std::uintmax_t size;
    std::filesystem::file_time_type mtime;
    std::chrono::steady_clock::time_point since;
  };
  std::map<std::string, observed> observed_;  // worker only
};

}  // namespace simpul::connectors::file
