#include "connectors/http/session.h"

#include <algorithm>
#include <array>
#include <type_traits>

#include <boost/asio/defer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>

#include "connectors/http/http_util.h"
#include "hub/message.h"
#include "security/peer_identity.h"

namespace simpul::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using beast::error_code;

namespace {

// Plain TCP: half-close so the client reads the whole response before EOF.
void shutdown_stream(session_stream& s) {
  error_code ec;
  s.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
}
void shutdown_stream(tls_stream&) {}  // not reached: TLS shuts down with close_notify

// The read buffer is capped at 64 KiB. Beast limits the request head
// (header_limit) and the body (body_limit), but not a chunk header line nor
// the trailer: both must sit whole in this buffer, which grew without bound
// (a chunk extension that never ends was buffered until the read deadline,
// gigabytes on a fast link), and a trailer field over 64 KiB made Beast throw
// std::length_error from inside the read: std::terminate, the hub gone. A
// field in 64 KiB is one Beast can store, and at the cap the read fails with
// buffer_overflow: 400. The head fits too (max_header is at most 60 KiB),
// and body bytes pass through (the parser moves them out at once).
constexpr std::size_t read_buffer_limit = 64 * 1024;

}  // namespace

template <class Stream>
basic_session<Stream>::basic_session(Stream stream, net::ip::tcp::endpoint remote,
                                     std::shared_ptr<const session_config> cfg,
                                     std::function<void()> on_closed,
                                     std::shared_ptr<const void> keep)
    : stream_(std::move(stream)),
      remote_(std::move(remote)),
      remote_text_(endpoint_text(remote_)),
      cfg_(std::move(cfg)),
      on_closed_(std::move(on_closed)),
      keep_(std::move(keep)),
      buffer_(read_buffer_limit) {}

template <class Stream>
basic_session<Stream>::~basic_session() {
  if (on_closed_) on_closed_();
}

template <class Stream>
std::shared_ptr<basic_session<Stream>> basic_session<Stream>::self() {
  return std::static_pointer_cast<basic_session>(shared_from_this());
}

template <class Stream>
void basic_session<Stream>::run() {
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    net::dispatch(stream_.get_executor(), [s = self()] {
      // The handshake counts against the header deadline: a client that
      // opens a connection and never speaks TLS is a slow client too.
      s->phase_ = phase::reading;
      s->lowest().expires_after(s->cfg_->header_timeout);
      s->stream_.async_handshake(net::ssl::stream_base::server,
                                 [s](error_code ec) { s->on_handshake(ec); });
    });
  } else {
    net::dispatch(stream_.get_executor(), [s = self()] { s->read_next(); });
  }
}

template <class Stream>
void basic_session<Stream>::on_handshake(error_code ec) {
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    if (ec || phase_ == phase::closed) {
      close_now();  // refused certificate, old protocol, plain HTTP on a TLS port...
      return;
    }
    if (auto id = security::verified_peer_identity(stream_.native_handle())) {
      peer_identity_ = id->name();
    }
    read_next();
  } else {
    (void)ec;
  }
}

template <class Stream>
void basic_session<Stream>::drain() {
  net::post(stream_.get_executor(), [s = self()] {
    s->draining_ = true;
    if (s->phase_ == phase::idle) s->close_now();  // waiting for a next request that must not come
  });
}

template <class Stream>
void basic_session<Stream>::close() {
  net::post(stream_.get_executor(), [s = self()] { s->close_now(); });
}

template <class Stream>
void basic_session<Stream>::read_next() {
  if (phase_ == phase::closed) return;
  if (first_ || buffer_.size() > 0) {
    read_header();
    return;
  }
  if (draining_) {
    shutdown();
    return;
  }
  // Keep-alive: wait for the first byte of the next request under the idle
  // deadline; the header deadline starts once it arrives.
  phase_ = phase::idle;
  lowest().expires_after(cfg_->idle_timeout);
  stream_.async_read_some(buffer_.prepare(4096),
                          [s = self()](error_code ec, std::size_t n) { s->on_idle_read(ec, n); });
}

template <class Stream>
void basic_session<Stream>::on_idle_read(error_code ec, std::size_t n) {
  buffer_.commit(n);
  if (ec) {
    close_now();
    return;
  }
  read_header();
}

template <class Stream>
void basic_session<Stream>::read_header() {
  phase_ = phase::reading;
  parser_.emplace();
  parser_->header_limit(cfg_->header_limit);
  parser_->body_limit(cfg_->body_limit);
  // Parse what is already buffered (usually the whole request, from the
  // keep-alive read): a complete header goes on without another read
  // operation, its completion post and its timer. The parser applies the
  // same limits as in Beast's read operations.
  if (buffer_.size() > 0) {
    error_code ec;
    bool more = parse_buffered(ec);
    if (ec) return on_read_error(ec);
    if (!more || parser_->is_header_done()) return on_header({});
  }
  lowest().expires_after(cfg_->header_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           [s = self()](error_code ec, std::size_t) { s->on_header(ec); });
}

template <class Stream>
bool basic_session<Stream>::parse_buffered(error_code& ec) {
  while (buffer_.size() > 0 && !parser_->is_done()) {
    auto used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      return true;
    }
    if (ec) return false;
    if (used == 0) break;
  }
  return !parser_->is_done();
}

template <class Stream>
void basic_session<Stream>::on_header(error_code ec) {
  if (ec) {
    on_read_error(ec);
    return;
  }
  const auto& req = parser_->get();
  if (!parser_->chunked() && req.find(bhttp::field::transfer_encoding) != req.end()) {
    // RFC 9112 6.3: a request whose transfer coding does not end in chunked
    // has no knowable length. Beast read it as bodiless, and its body was
    // then parsed as the next request (an empty message went to the route).
    request_keep_alive_ = false;
    write(make_json_error(400, "http.bad_request",
                          "Transfer-Encoding must end in chunked (got '" +
                              std::string(req[bhttp::field::transfer_encoding]) + "')",
                          make_message_id()));
    return;
  }
  if (parser_->chunked()) {
    // Chunked is the only transfer coding the hub decodes: "gzip, chunked"
    // would hand the route compressed bytes as the body (RFC 9112 6.1: 501).
    for (auto const& field : req) {  // every Transfer-Encoding line, wherever it is
      if (field.name() != bhttp::field::transfer_encoding) continue;
      for (auto const& coding : bhttp::token_list{field.value()}) {
        if (beast::iequals(coding, "chunked")) continue;
        request_keep_alive_ = false;
        write(make_json_error(501, "http.transfer_coding",
                              "transfer coding '" + std::string(coding) +
                                  "' is not supported (send the body with chunked alone, or "
                                  "with Content-Length)",
                              make_message_id()));
        return;
      }
    }
  }
  auto expect = req[bhttp::field::expect];
  if (!parser_->is_done() && beast::iequals(expect, "100-continue")) {
    // The client waits for a go-ahead before sending the body (curl does so
    // for large bodies); the size was already checked against the limit.
    auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                     req.version());
    lowest().expires_after(cfg_->read_timeout);
    bhttp::async_write(stream_, *cont, [s = self(), cont](error_code wec, std::size_t) {
      if (wec) {
        s->close_now();
        return;
      }
      s->read_body();
    });
    return;
  }
  read_body();
}

template <class Stream>
void basic_session<Stream>::read_body() {
  if (buffer_.size() > 0 && !parser_->is_done()) {
    error_code ec;
    parse_buffered(ec);
    if (ec) return on_read_error(ec);
  }
  if (parser_->is_done()) {
    on_body({});
    return;
  }
  lowest().expires_after(cfg_->read_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [s = self()](error_code ec, std::size_t) { s->on_body(ec); });
}

template <class Stream>
void basic_session<Stream>::on_body(error_code ec) {
  if (ec) {
    on_read_error(ec);
    return;
  }
  first_ = false;
  phase_ = phase::handling;
  // The handler (and the route behind it) owns the deadline from here on.
  lowest().expires_never();
  auto req = std::make_shared<inbound_request>();
  req->msg = parser_->release();
  req->remote = remote_;
  req->remote_text = remote_text_;
  req->tls = std::is_same_v<Stream, tls_stream>;
  req->peer_identity = peer_identity_;
  parser_.reset();
  request_keep_alive_ = req->msg.keep_alive();
  request_version_ = req->msg.version();
  // The stream's executor (the connection's strand) never changes after
  // construction, so any thread may copy it. `defer`, not `post`: the answer
  // usually comes at the end of another handler (the output's), so the write
  // is queued on that I/O thread rather than handed to another one (this
  // hand-off then wakes no thread; Asio still wakes idle threads whenever
  // other work is queued, see docs/performance.md).
  responder answer([s = self()](response res) {
    net::defer(s->stream_.get_executor(),
              [s, res = std::move(res)]() mutable { s->write(std::move(res)); });
  });
  cfg_->handler(std::move(req), std::move(answer));
}

template <class Stream>
void basic_session<Stream>::on_read_error(error_code ec) {
  // Limits and malformed requests get an answer; the connection cannot be
  // resynchronised afterwards, so it closes. Timeouts, EOF and resets close.
  if (ec == bhttp::error::body_limit) {
    request_keep_alive_ = false;
    write(make_json_error(413, "http.body_too_large",
                          "request body exceeds " + std::to_string(cfg_->body_limit) + " bytes",
                          make_message_id()));
    return;
  }
  if (ec == bhttp::error::header_limit) {
    request_keep_alive_ = false;
    write(make_json_error(431, "http.headers_too_large",
                          "request headers exceed " + std::to_string(cfg_->header_limit) + " bytes",
                          make_message_id()));
    return;
  }
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
      ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
    request_keep_alive_ = false;
    write(make_json_error(400, "http.bad_request", "malformed HTTP request: " + ec.message(),
                          make_message_id()));
    return;
  }
  close_now();
}

template <class Stream>
void basic_session<Stream>::write(response res) {
  if (phase_ != phase::reading && phase_ != phase::handling) return;  // closed, or answered
  phase_ = phase::writing;
  res.version(request_version_);
  bool keep = request_keep_alive_ && !draining_ && res.keep_alive();
  res.keep_alive(keep);
  res.prepare_payload();
  out_ = std::move(res);
  lowest().expires_after(cfg_->read_timeout);
  if (serialize_response_head(out_, head_)) {
    std::array<net::const_buffer, 2> bufs{net::buffer(head_), net::buffer(out_.body())};
    net::async_write(stream_, bufs,
                     [s = self(), keep](error_code ec, std::size_t) { s->on_write(ec, keep); });
    return;
  }
  bhttp::async_write(stream_, out_,
                     [s = self(), keep](error_code ec, std::size_t) { s->on_write(ec, keep); });
}

template <class Stream>
void basic_session<Stream>::on_write(error_code ec, bool keep_alive) {
  out_ = {};
  if (ec) {
    close_now();
    return;
  }
  if (!keep_alive) {
    shutdown();
    return;
  }
  phase_ = phase::idle;
  read_next();
}

template <class Stream>
void basic_session<Stream>::shutdown() {
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    // TLS: send close_notify (waiting briefly for the peer's), then close.
    phase_ = phase::lingering;
    lowest().expires_after(std::min(cfg_->read_timeout, std::chrono::milliseconds(2000)));
    stream_.async_shutdown([s = self()](error_code) { s->close_now(); });
    return;
  }
  // Lingering close: after our FIN, read and discard what the client still
  // sends (e.g. the rest of a body over the limit) until its FIN or a short
  // deadline. Closing with unread data would send RST and could destroy the
  // response before the client read it.
  shutdown_stream(stream_);
  phase_ = phase::lingering;
  lowest().expires_after(std::min(cfg_->read_timeout, std::chrono::milliseconds(2000)));
  linger();
}

template <class Stream>
void basic_session<Stream>::linger() {
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(16 * 1024), [s = self()](error_code ec, std::size_t) {
    if (ec || s->phase_ == phase::closed) {
      s->close_now();
      return;
    }
    s->linger();
  });
}

template <class Stream>
void basic_session<Stream>::close_now() {
  if (phase_ == phase::closed) return;
  phase_ = phase::closed;
  error_code ec;
  lowest().socket().close(ec);
}

template class basic_session<session_stream>;
template class basic_session<tls_stream>;

}  // namespace simpul::http
