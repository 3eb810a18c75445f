#pragma once

#include <utility>  // Boost 1.74 asio needs it first in C++23 mode

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "connectors/http/responder.h"
#include "connectors/http/session.h"
#include "hub/error.h"

namespace simpul::security {
class tls_context;
}

namespace simpul::http {

struct listener_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0: the OS picks one; read it back with `port()`
  std::uint32_t header_limit = 16 * 1024;
  std::uint64_t body_limit = 1024 * 1024;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_connections = 1024;  ///< at the limit, accepting pauses until one closes
  int backlog = 512;
  /// Serve HTTPS with this context (its `current()` is taken per connection,
  /// so `tls_context::reload` applies to new connections); null: plain HTTP.
  std::shared_ptr<security::tls_context> tls;
};

/// An HTTP/1.1 server socket: accepts connections and runs one session each,
/// calling `handler` for every complete request. Used by the http_server input
/// and by the hub's admin API.
///
/// Lifecycle: `create` -> `start` (binds; errors such as "address in use" are
/// returned) -> `stop_accepting` (closes the socket; open connections finish
/// their current exchange and close) -> `stop` (closes every connection).
/// Owned through `shared_ptr`; pending accepts and sessions keep what they need
/// alive. Threading: the acceptor lives on its own strand; every connection
/// on another; the public calls are thread-safe.
class listener : public std::enable_shared_from_this<listener> {
 public:
  static std::shared_ptr<listener> create(boost::asio::io_context& io, listener_options opts,
                                          request_handler handler);

  /// Bind and listen (synchronously, on the caller's thread), then accept in
  /// the background.
  result<void> start();
  /// The bound port (the real one when configured as 0); 0 before `start`.
  std::uint16_t port() const { return port_.load(); }
  /// True between a successful `start` and `stop_accepting`/`stop` taking effect.
  bool listening() const { return listening_.load(); }
  std::size_t connections() const;
  bool tls() const { return opts_.tls != nullptr; }
  /// Re-reads the certificate, key, CA and CRL files (SIGHUP). New
  /// connections use them; open ones keep theirs. On failure the old ones
  /// stay. A no-op without TLS.
  result<void> reload_tls();

  void stop_accepting();
  void stop();

  listener(boost::asio::io_context& io, listener_options opts, request_handler handler);

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, session_socket socket);
  void on_session_closed(std::uint64_t id);
  void close_acceptor();
  void shut_down(bool drain);
  std::vector<std::shared_ptr<session_base>> live_sessions() const;

  boost::asio::io_context& io_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer accept_retry_;  ///< on strand_: the pause after a failed accept
  bool accept_failing_ = false;             ///< on strand_: warned about it, not accepted since
  listener_options opts_;
  std::shared_ptr<const session_config> session_cfg_;
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> listening_{false};

  mutable std::mutex mu_;  // guards the session table: sessions close on their own strands
  std::map<std::uint64_t, std::weak_ptr<session_base>> sessions_;
  std::uint64_t next_id_ = 0;
  bool paused_ = false;   ///< at max_connections: accept again when one closes
  bool stopped_ = false;  ///< stop_accepting/stop called: never accept again
};

}  // namespace simpul::http
