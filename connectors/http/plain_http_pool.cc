#include "connectors/http/plain_http_pool.h"

#include <array>
#include <cctype>
#include <charconv>

#include <curl/curl.h>
#include <boost/asio/defer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace simpul::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

std::optional<plain_url> parse_plain_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.size() < scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(url[i])) != scheme[i]) return std::nullopt;
  }
  auto rest = url.substr(scheme.size());
  auto end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  plain_url out;
  out.host_header = std::string(authority);
  std::string_view host = authority, port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  for (char ch : port) {
    if (ch < '0' || ch > '9') return std::nullopt;
  }
  out.host = std::string(host);
  out.port = port.empty() ? "80" : std::string(port);
  std::string_view target = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (target.empty() || target.front() != '/') {
    out.target = "/" + std::string(target);
  } else {
    out.target = std::string(target);
  }
  return out;
}

struct plain_http_pool::job {
  curl_request req;
  plain_url url;
  curl_handler done;
  bool resent = false;
};

namespace {
// The pool's strand as a concrete executor type. With `beast::tcp_stream`
// (type-erased `any_io_executor`) every executor copy, `prefer` and `require`
// inside Beast's and Asio's operations heap-allocates a wrapped strand: ~25
// allocations per exchange.
using pool_executor = net::strand<net::io_context::executor_type>;
using pool_stream = beast::basic_stream<tcp, pool_executor>;
using pool_resolver = net::ip::basic_resolver<tcp, pool_executor>;
}  // namespace

struct plain_http_pool::connection {
  explicit connection(const pool_executor& s) : stream(s), resolver(s) {}
  pool_stream stream;
  pool_resolver resolver;
  beast::flat_buffer buffer;
  std::string head;  ///< the request's start line and fields (capacity reused)
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  bool reused = false;  ///< carried a complete exchange before
};

std::shared_ptr<plain_http_pool> plain_http_pool::create(net::io_context& io, options opts) {
  return std::make_shared<plain_http_pool>(io, std::move(opts));
}

plain_http_pool::plain_http_pool(net::io_context& io, options opts)
    : strand_(net::make_strand(io)), opts_(std::move(opts)) {
  if (opts_.max_connections == 0) opts_.max_connections = 1;
}

void plain_http_pool::perform(curl_request req, plain_url url, curl_handler done) {
  auto j = std::make_unique<job>();
  j->req = std::move(req);
  j->url = std::move(url);
  j->done = std::move(done);
  // `defer`: `perform` is called at the end of the route's handler (the
  // inbound session's), so the exchange is queued on the calling I/O thread
  // instead of waking another one.
  net::defer(strand_, [self = shared_from_this(), j = std::move(j)]() mutable {
    if (self->stopped_) {
      curl_response res;
      res.shutting_down = true;
      res.curl_code = CURLE_ABORTED_BY_CALLBACK;
      res.error = "shutting down";
      return self->finish(std::move(j), std::move(res));
    }
    if (!self->accepting_) return self->hand_back(std::move(j));
    self->queue_.push_back(std::move(j));
    self->dispatch();
  });
}

void plain_http_pool::dispatch() {
  while (!queue_.empty() && !stopped_) {
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      auto j = std::move(queue_.front());
      queue_.pop_front();
      exchange(std::move(c), std::move(j));
    } else if (open_.size() < opts_.max_connections) {
      auto c = std::make_shared<connection>(strand_);
      open_.insert(c);
      ++opened_;
      auto j = std::move(queue_.front());
      queue_.pop_front();
      connect(std::move(c), std::move(j));
    } else {
      return;  // every connection is busy: the next answer dispatches again
    }
  }
}

void plain_http_pool::connect(std::shared_ptr<connection> c, std::unique_ptr<job> j) {
  auto timeout = j->req.connect_timeout;
  c->resolver.async_resolve(
      opts_.host, opts_.port,
      [self = shared_from_this(), c, j = std::move(j),
       timeout](boost::system::error_code ec, pool_resolver::results_type found) mutable {
        if (ec) return self->fail(std::move(c), std::move(j), ec, CURLE_COULDNT_RESOLVE_HOST);
        c->stream.expires_after(timeout);
        c->stream.async_connect(found, [self, c, j = std::move(j)](
                                           boost::system::error_code ec2,
                                           const tcp::endpoint&) mutable {
          if (ec2) {
            int code = ec2 == beast::error::timeout ? CURLE_OPERATION_TIMEDOUT
                                                    : CURLE_COULDNT_CONNECT;
            return self->fail(std::move(c), std::move(j), ec2, code);
          }
          boost::system::error_code ignored;
          c->stream.socket().set_option(tcp::no_delay(true), ignored);
          self->exchange(std::move(c), std::move(j));
        });
      });
}

namespace {

/// The request head Beast's serializer would write for `r` (start line,
/// Host, Accept, the caller's fields, Content-Length), into `out` (replaced).
/// Written directly and sent with the body in one gather write: Beast's
/// serializer and its buffer adaptors cost ~20k instructions per request.
/// As `message::content_length` and `keep_alive(true)` would, a caller's
/// Content-Length is replaced when there is a body and a `Connection: close`
/// (or keep-alive) field is dropped: the connection is kept open.
void serialize_request_head(const curl_request& r, const plain_url& url, bool bodyless,
                            std::string& out) {
  out.clear();
  out.append(r.method).append(" ").append(url.target).append(" HTTP/1.1\r\n");
  out.append("Host: ").append(url.host_header).append("\r\nAccept: */*\r\n");
  for (const auto& line : r.headers) {
    auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) continue;
    std::string_view name = std::string_view(line).substr(0, colon);
    std::string_view value(line);
    value.remove_prefix(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    if (!bodyless && beast::iequals(name, "Content-Length")) continue;
    if (beast::iequals(name, "Connection") && (beast::iequals(value, "close") || beast::iequals(value, "keep-alive"))) {
      continue;
    }
    out.append(name).append(": ").append(value).append("\r\n");
  }
  if (!bodyless) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, r.body.size());
    (void)ec;
    out.append("Content-Length: ").append(digits, end).append("\r\n");
  }
  out.append("\r\n");
}

}  // namespace

void plain_http_pool::exchange(std::shared_ptr<connection> c, std::unique_ptr<job> j) {
  if (!accepting_) {  // connected (or re-queued) after stop_accepting: not written yet
    close(c);
    return hand_back(std::move(j));
  }
  const auto& r = j->req;
  bool bodyless = r.method == "GET" || r.method == "HEAD";
  serialize_request_head(r, j->url, bodyless, c->head);
  c->parser.emplace();
  c->parser->body_limit(r.max_response);
  c->parser->header_limit(64 * 1024);
  if (r.method == "HEAD") c->parser->skip(true);
  c->stream.expires_after(r.timeout);
  auto* conn = c.get();
  // The job (and so its body) lives in the handler until the write ends.
  std::array<net::const_buffer, 2> bufs{
      net::buffer(conn->head), bodyless ? net::const_buffer() : net::buffer(r.body)};
  net::async_write(conn->stream, bufs,
                   [self = shared_from_this(), c = std::move(c), j = std::move(j)](
                       boost::system::error_code ec, std::size_t) mutable {
                     if (ec) return self->fail(std::move(c), std::move(j), ec, CURLE_SEND_ERROR);
                     self->read_answer(std::move(c), std::move(j));
                   });
}

void plain_http_pool::read_answer(std::shared_ptr<connection> c, std::unique_ptr<job> j) {
  // The header first, and the declared length checked here: Beast 1.74 skips
  // its body_limit check when the header and the body arrive in one read.
  auto* conn = c.get();
  bhttp::async_read_header(
      conn->stream, conn->buffer, *conn->parser,
      [self = shared_from_this(), c = std::move(c), j = std::move(j)](
          boost::system::error_code ec, std::size_t) mutable {
        if (ec) return self->fail(std::move(c), std::move(j), ec, CURLE_RECV_ERROR);
        auto declared = c->parser->content_length();
        if (declared && *declared > j->req.max_response) {
          return self->fail(std::move(c), std::move(j), bhttp::error::body_limit,
                            CURLE_WRITE_ERROR);
        }
        // The body usually came with the header: parse it from the buffer
        // instead of starting another read operation (and its post).
        auto& p = *c->parser;
        while (c->buffer.size() > 0 && !p.is_done()) {
          auto used = p.put(c->buffer.data(), ec);
          c->buffer.consume(used);
          if (ec == bhttp::error::need_more) {
            ec = {};
            break;
          }
          if (ec) return self->fail(std::move(c), std::move(j), ec, CURLE_RECV_ERROR);
          if (used == 0) break;
        }
        if (p.is_done()) return self->on_answer(std::move(c), std::move(j));
        auto* conn2 = c.get();
        bhttp::async_read(conn2->stream, conn2->buffer, *conn2->parser,
                          [self, c = std::move(c), j = std::move(j)](
                              boost::system::error_code ec2, std::size_t) mutable {
                            if (ec2) {
                              return self->fail(std::move(c), std::move(j), ec2, CURLE_RECV_ERROR);
                            }
                            self->on_answer(std::move(c), std::move(j));
                          });
      });
}

void plain_http_pool::on_answer(std::shared_ptr<connection> c, std::unique_ptr<job> j) {
  auto msg = c->parser->release();
  c->parser.reset();
  curl_response res;
  res.status = static_cast<long>(msg.result_int());
  std::size_t fields = 0;
  for (auto it = msg.begin(); it != msg.end(); ++it) ++fields;
  res.headers.reserve(fields);  // one allocation instead of a growth per field
  for (const auto& f : msg) {
    res.headers.add(std::string(f.name_string()), std::string(f.value()));
  }
  if (auto ct = msg.find(bhttp::field::content_type); ct != msg.end()) {
    res.content_type = std::string(ct->value());
  }
  res.body = std::move(msg.body());
  if (res.body.size() > j->req.max_response) {
    // Belt and braces for the limit (see read_answer).
    close(c);
    res.body.clear();
    res.response_too_large = true;
    res.curl_code = CURLE_WRITE_ERROR;
    res.error = "body limit exceeded";
    finish(std::move(j), std::move(res));
    return dispatch();
  }
  bool keep = msg.keep_alive() && !stopped_;
  if (keep) {
    c->stream.expires_never();
    c->reused = true;
    idle_.push_back(std::move(c));
  } else {
    close(c);
  }
  finish(std::move(j), std::move(res));
  dispatch();
}

void plain_http_pool::fail(std::shared_ptr<connection> c, std::unique_ptr<job> j,
                           boost::system::error_code ec, int curl_code) {
  bool got_answer = c->parser && c->parser->got_some();
  bool too_large = ec == bhttp::error::body_limit;
  bool timed_out = ec == beast::error::timeout;
  bool was_reused = c->reused;
  close(c);
  curl_response res;
  if (stopped_) {
    res.shutting_down = true;
    res.curl_code = CURLE_ABORTED_BY_CALLBACK;
    res.error = "shutting down";
    return finish(std::move(j), std::move(res));
  }
  if (was_reused && !got_answer && !timed_out && !j->resent) {
    // The server closed the idle connection: send once more on a fresh one.
    j->resent = true;
    queue_.push_front(std::move(j));
    return dispatch();
  }
  if (too_large) {
    res.response_too_large = true;
    curl_code = CURLE_WRITE_ERROR;
  } else if (timed_out) {
    curl_code = CURLE_OPERATION_TIMEDOUT;
  } else if (ec == bhttp::error::partial_message) {
    curl_code = CURLE_PARTIAL_FILE;  // closed before the declared length arrived
  } else if (curl_code == CURLE_RECV_ERROR && ec != net::error::eof &&
             ec != bhttp::error::end_of_stream && ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category()) {
    curl_code = CURLE_WEIRD_SERVER_REPLY;  // a malformed answer
  }
  if (too_large || got_answer) {
    if (c->parser && c->parser->is_header_done()) {
      res.status = static_cast<long>(c->parser->get().result_int());
    }
  }
  res.curl_code = curl_code;
  res.error = ec.message();
  finish(std::move(j), std::move(res));
  dispatch();
}

void plain_http_pool::close(const std::shared_ptr<connection>& c) {
  boost::system::error_code ignored;
  c->resolver.cancel();
  c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  c->stream.close();
  open_.erase(c);
}

void plain_http_pool::finish(std::unique_ptr<job> j, curl_response res) {
  auto done = std::move(j->done);
  j.reset();
  if (done) done(std::move(res));
}

void plain_http_pool::hand_back(std::unique_ptr<job> j) {
  curl_response res;
  res.shutting_down = true;
  res.not_sent = true;
  res.curl_code = CURLE_ABORTED_BY_CALLBACK;
  res.error = "not sent: shutting down";
  finish(std::move(j), std::move(res));
}

void plain_http_pool::stop_accepting() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->stopped_ || !self->accepting_) return;
    self->accepting_ = false;
    auto queued = std::move(self->queue_);
    self->queue_.clear();
    for (auto& j : queued) self->hand_back(std::move(j));
  });
}

void plain_http_pool::shutdown() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->stopped_) return;
    self->stopped_ = true;
    auto queued = std::move(self->queue_);
    self->queue_.clear();
    for (auto& j : queued) {
      curl_response res;
      res.shutting_down = true;
      res.curl_code = CURLE_ABORTED_BY_CALLBACK;
      res.error = "shutting down";
      self->finish(std::move(j), std::move(res));
    }
    self->idle_.clear();
    // Busy connections: closing cancels their operations, whose handlers
    // answer `shutting_down`.
    auto all = self->open_;
    for (const auto& c : all) self->close(c);
  });
}

}  // namespace simpul::http
