#pragma once

#include <utility>  // Boost 1.74 asio needs it first in C++23 mode

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "connectors/http/curl_engine.h"

namespace simpul::http {

/// A plain `http://` URL split for a direct connection.
struct plain_url {
  std::string host;         ///< to resolve (an IPv6 literal without brackets)
  std::string port;         ///< "80" when the URL has none
  std::string host_header;  ///< the Host header: as written in the URL
  std::string target;       ///< path and query ("/" when empty), no fragment
};

/// Splits `url` when it is plain `http://` (no userinfo); nullopt otherwise
/// (https, other schemes, malformed).
std::optional<plain_url> parse_plain_url(std::string_view url);

/// Keep-alive HTTP/1.1 connections to one host:port, written with Beast, for
/// the `http_client` output's plain `http://` requests. libcurl costs ~100k
/// instructions per request (its printf-based request builder, proxy and
/// connection-liveness checks, two poll(2)s); this path writes the request
/// and parses the answer directly, keeping the exchange semantics of
/// `curl_engine`: same `curl_request` in, same `curl_response` out (transport
/// failures carry the CURLcode curl would have reported, so
/// `http_client::classify` stays the one place that decides outcomes).
///
/// Up to `max_connections` connections; more requests queue in order. A
/// request that fails on a reused connection before any byte of an answer
/// arrived (the server closed it while idle) is sent once more on a fresh
/// connection, as curl does. No proxy, no TLS: the caller keeps libcurl for
/// those.
///
/// Lifecycle: `create`, `perform`..., `stop_accepting` (queued requests and
/// later ones end with `not_sent`; those being sent finish), `shutdown`
/// (queued and in-flight requests end with `shutting_down`). Owned through `shared_ptr`; pending
/// operations keep it alive. Threading: `perform` and `shutdown` from any
/// thread; all state and every handler run on the pool's strand.
class plain_http_pool : public std::enable_shared_from_this<plain_http_pool> {
 public:
  struct options {
    std::string host;
    std::string port;
    std::size_t max_connections = 8;
    std::chrono::milliseconds connect_timeout{5'000};
  };

  static std::shared_ptr<plain_http_pool> create(boost::asio::io_context& io, options opts);
  plain_http_pool(boost::asio::io_context& io, options opts);

  /// `req.url` is only used for the Host header and target: `url` is it parsed.
  void perform(curl_request req, plain_url url, curl_handler done);
  /// Hands back every request not yet written (see the class comment).
  void stop_accepting();
  void shutdown();
  /// Whether `url` names this pool's host and port.
  bool serves(const plain_url& url) const { return url.host == opts_.host && url.port == opts_.port; }
  /// Connections opened so far (tests: reuse).
  std::size_t connections_opened() const { return opened_.load(); }

  struct connection;
  struct job;

 private:
  void dispatch();
  void connect(std::shared_ptr<connection> c, std::unique_ptr<job> j);
  void exchange(std::shared_ptr<connection> c, std::unique_ptr<job> j);
  void read_answer(std::shared_ptr<connection> c, std::unique_ptr<job> j);
  void on_answer(std::shared_ptr<connection> c, std::unique_ptr<job> j);
  void fail(std::shared_ptr<connection> c, std::unique_ptr<job> j, boost::system::error_code ec,
            int curl_code);
  void close(const std::shared_ptr<connection>& c);
  void finish(std::unique_ptr<job> j, curl_response res);
  void hand_back(std::unique_ptr<job> j);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  options opts_;
  std::deque<std::unique_ptr<job>> queue_;
  std::vector<std::shared_ptr<connection>> idle_;
  std::set<std::shared_ptr<connection>> open_;  ///< idle, busy and connecting
  bool stopped_ = false;
  bool accepting_ = true;  ///< false after `stop_accepting`: nothing new is written
  std::atomic<std::size_t> opened_{0};
};

}  // namespace simpul::http
