#pragma once

#include <utility>  // Boost 1.74 asio needs it first in C++23 mode

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "hub/message.h"

namespace simpul::http {

/// One HTTP exchange for the engine to perform.
struct curl_request {
  std::string url;
  std::string method = "POST";
  std::vector<std::string> headers;  ///< "Name: value" lines (values may be secrets)
  std::string body;
  std::chrono::milliseconds timeout{10'000};
  std::chrono::milliseconds connect_timeout{5'000};
  bool tls_verify = true;
  std::string ca_file;
  /// Name the server certificate must carry instead of the URL's host
  /// (checked by OpenSSL during verification; e.g. when the URL is an IP).
  std::string pinned_host;
  std::string cert_file;     ///< client certificate (PEM) for mTLS
  std::string key_file;      ///< its private key (PEM); empty: inside cert_file
  std::string key_password;  ///< for an encrypted key (a secret)
  std::uint64_t max_response = 16 * 1024 * 1024;
};

/// What came back. `curl_code` 0 means an HTTP response was received (any
/// status); otherwise `error` says what failed (CURLcode and its text).
struct curl_response {
  int curl_code = 0;
  std::string error;
  bool shutting_down = false;       ///< cancelled by `shutdown()`, never sent or abandoned
  bool not_sent = false;            ///< handed back by `stop_accepting()`: nothing was written
  bool response_too_large = false;  ///< aborted: the body exceeded `max_response`
  long status = 0;
  simpul::headers headers;
  std::string body;
  std::string content_type;
};

using curl_handler = std::function<void(curl_response)>;

/// libcurl's multi interface driven by Asio: curl never blocks a thread and
/// never owns a poll loop. curl tells us which sockets to watch
/// (CURLMOPT_SOCKETFUNCTION) and when to call back (CURLMOPT_TIMERFUNCTION);
/// we watch them with non-owning descriptors on one strand and feed readiness
/// back through `curl_multi_socket_action`. curl keeps owning its sockets:
/// the descriptors are released, never closed, when curl stops using them.
/// Connections are cached and reused by the multi handle across transfers.
///
/// Lifecycle: `create`, `perform` any number of times, `shutdown` (cancels
/// in-flight transfers; their handlers get `shutting_down`). Owned through
/// `shared_ptr`; pending waits keep it alive. Threading: `perform` and
/// `shutdown` are thread-safe; all curl calls and every handler run on the
/// engine's strand.
class curl_engine : public std::enable_shared_from_this<curl_engine> {
 public:
  struct options {
    long max_host_connections = 8;  ///< per host; more transfers queue inside curl
  };

  static std::shared_ptr<curl_engine> create(boost::asio::io_context& io, options opts);
  curl_engine(boost::asio::io_context& io, options opts);
  ~curl_engine();
  curl_engine(const curl_engine&) = delete;
  curl_engine& operator=(const curl_engine&) = delete;

  void perform(curl_request req, curl_handler done);
  /// Transfers not yet sending (waiting for a connection, connecting) and
  /// later `perform`s end with `not_sent`; the ones sending finish normally.
  void stop_accepting();
  void shutdown();
  /// Transfers handed to `perform` and not yet answered (for probes and tests).
  std::size_t in_flight() const { return in_flight_.load(); }

  struct transfer;
  struct watched_socket;

 private:
  friend struct curl_callbacks;

  void add(std::unique_ptr<transfer> t);
  void on_socket(int fd, int what);
  void watch(const std::shared_ptr<watched_socket>& s);
  void on_ready(const std::shared_ptr<watched_socket>& s, int direction);
  void on_timer_set(long timeout_ms);
  void arm_timer(std::chrono::steady_clock::time_point due);
  void on_timer_fired();
  void on_timeout();
  void collect_done();
  void finish(std::unique_ptr<transfer> t, int code);
  void cancel_all();
  void hand_back(std::unique_ptr<transfer> t);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  void* multi_ = nullptr;  // CURLM*, kept opaque so users need not include curl.h
  std::map<void*, std::unique_ptr<transfer>> transfers_;  // by CURL*
  std::map<int, std::shared_ptr<watched_socket>> sockets_;
  bool stopped_ = false;
  bool accepting_ = true;  ///< false after `stop_accepting`
  // curl's timer, kept without a timerfd_settime per transfer (it was ~17 %
  // of the hub's CPU while delivering): `curl_due_` is when curl last asked
  // to be called (max: no timer); the Asio timer is only re-armed when that
  // moves earlier than `timer_due_` (a fire before curl's time just re-arms);
  // a 0 timeout is a coalesced post instead of a timer.
  using steady = std::chrono::steady_clock;
  steady::time_point curl_due_ = steady::time_point::max();
  steady::time_point timer_due_ = steady::time_point::max();
  bool kick_posted_ = false;
  // Finished easy handles, reset and kept for the next `perform` (saves
  // curl's per-handle allocations: the handle and its transfer buffers).
  static constexpr std::size_t max_idle_handles = 256;
  std::mutex idle_mu_;
  std::vector<void*> idle_handles_;  // CURL*
  std::atomic<std::size_t> in_flight_{0};
};

}  // namespace simpul::http
