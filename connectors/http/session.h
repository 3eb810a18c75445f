#pragma once

#include <utility>  // Boost 1.74 asio needs it first in C++23 mode

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include "connectors/http/responder.h"

namespace simpul::http {

/// Limits and deadlines every session of one listener shares (immutable).
struct session_config {
  std::uint32_t header_limit = 16 * 1024;
  std::uint64_t body_limit = 1024 * 1024;
  std::chrono::milliseconds header_timeout{
      10'000};  ///< from first byte (or accept) to end of headers
  std::chrono::milliseconds read_timeout{30'000};  ///< body read, and each response write
  std::chrono::milliseconds idle_timeout{60'000};  ///< keep-alive wait for the next request
  request_handler handler;
};

/// The non-template face of a session, so the listener can track sessions of
/// any stream type. Both calls are thread-safe (they post to the strand).
class session_base : public std::enable_shared_from_this<session_base> {
 public:
  virtual ~session_base() = default;
  /// Stop keep-alive: close when idle, else after the current response.
  virtual void drain() = 0;
  /// Close the connection now; a late answer is dropped.
  virtual void close() = 0;
};

/// One HTTP/1.1 connection (Beast async server style).
///
/// Lifecycle: created by the listener per accepted socket and kept alive only
/// by its pending handlers (and by responders not yet answered); `on_closed`
/// runs from the destructor. Threading: everything runs on the stream's
/// executor, a strand made for this connection. No pipelining: one request is
/// read, handed to the handler, answered, then the next is read.
///
/// `Stream` is `session_stream` or `ssl_stream<session_stream>`; TLS adds a
/// handshake in `run` (under the header deadline; the verified client
/// certificate's identity is kept for every request) and `async_shutdown`
/// in `shutdown`, nothing else.
template <class Stream>
class basic_session : public session_base {
 public:
  /// `keep` holds whatever the stream borrows (the TLS context of a TLS
  /// session: a reload must not free it under a live connection).
  basic_session(Stream stream, boost::asio::ip::tcp::endpoint remote,
                std::shared_ptr<const session_config> cfg, std::function<void()> on_closed,
                std::shared_ptr<const void> keep = {});
  ~basic_session() override;

  void run();
  void drain() override;
  void close() override;

 private:
  enum class phase { idle, reading, handling, writing, lingering, closed };

  std::shared_ptr<basic_session> self();
  void on_handshake(boost::beast::error_code ec);
  void read_next();
  void on_idle_read(boost::beast::error_code ec, std::size_t n);
  void read_header();
  /// Feeds buffered bytes to the parser; true while it needs more.
  bool parse_buffered(boost::beast::error_code& ec);
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_body(boost::beast::error_code ec);
  void on_read_error(boost::beast::error_code ec);
  void write(response res);
  void on_write(boost::beast::error_code ec, bool keep_alive);
  void shutdown();
  void linger();
  void close_now();
  auto& lowest() { return boost::beast::get_lowest_layer(stream_); }

  Stream stream_;
  boost::asio::ip::tcp::endpoint remote_;
  std::string remote_text_;  ///< remote_ formatted once (each request carries it)
  std::shared_ptr<const session_config> cfg_;
  std::function<void()> on_closed_;
  std::shared_ptr<const void> keep_;
  std::string peer_identity_;  ///< TLS: verified client certificate's name
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  response out_;  ///< the response being written (the write's handler keeps the session alive)
  std::string head_;  ///< its start line and fields, serialised (capacity reused)
  phase phase_ = phase::idle;
  bool first_ = true;
  bool draining_ = false;
  bool request_keep_alive_ = true;
  unsigned request_version_ = 11;
};

/// A connection's executor: its own strand, as a concrete type. With
/// `beast::tcp_stream` (type-erased `any_io_executor`) every executor copy
/// and `prefer` inside Beast's and Asio's operations heap-allocates a wrapped
/// strand: ~27 allocations per request.
using session_executor = boost::asio::strand<boost::asio::io_context::executor_type>;
using session_socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, session_executor>;
using session_stream = boost::beast::basic_stream<boost::asio::ip::tcp, session_executor>;
using plain_session = basic_session<session_stream>;
using tls_stream = boost::beast::ssl_stream<session_stream>;
using tls_session = basic_session<tls_stream>;

}  // namespace simpul::http
