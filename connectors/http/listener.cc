#include "connectors/http/listener.h"

#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "monitoring/log.h"
#include "security/tls_context.h"

namespace simpul::http {
namespace net = boost::asio;
using net::ip::tcp;

namespace {
const monitoring::logger log{"http"};
}

std::shared_ptr<listener> listener::create(net::io_context& io, listener_options opts,
                                           request_handler handler) {
  return std::make_shared<listener>(io, std::move(opts), std::move(handler));
}

listener::listener(net::io_context& io, listener_options opts, request_handler handler)
    : io_(io),
      strand_(net::make_strand(io)),
      acceptor_(strand_),
      accept_retry_(strand_),
      opts_(std::move(opts)) {
  auto cfg = std::make_shared<session_config>();
  cfg->header_limit = opts_.header_limit;
  cfg->body_limit = opts_.body_limit;
  cfg->header_timeout = opts_.header_timeout;
  cfg->read_timeout = opts_.read_timeout;
  cfg->idle_timeout = opts_.idle_timeout;
  cfg->handler = std::move(handler);
  session_cfg_ = std::move(cfg);
}

result<void> listener::start() {
  boost::system::error_code ec;
  auto fail = [&](const char* what) {
    return make_error("http.listen", std::string(what) + " " + opts_.host + ":" +
                                         std::to_string(opts_.port) + ": " + ec.message());
  };
  // A host name ("localhost") is resolved once; the first address is used.
  tcp::endpoint ep;
  auto addr = net::ip::make_address(opts_.host, ec);
  if (ec) {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(opts_.host, std::to_string(opts_.port), ec);
    if (ec || results.empty()) return fail("cannot resolve");
    ep = results.begin()->endpoint();
  } else {
    ep = tcp::endpoint(addr, opts_.port);
  }
  acceptor_.open(ep.protocol(), ec);
  if (ec) return fail("cannot open socket for");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  // close() gets its own error code: reusing `ec` turned "address in use"
  // into "cannot bind ...: Success"
  boost::system::error_code ignored;
  acceptor_.bind(ep, ec);
  if (ec) {
    acceptor_.close(ignored);
    return fail("cannot bind");
  }
  acceptor_.listen(opts_.backlog, ec);
  if (ec) {
    acceptor_.close(ignored);
    return fail("cannot listen on");
  }
  port_ = acceptor_.local_endpoint(ec).port();
  listening_ = true;
  log.info(std::string("listening on ") + (opts_.tls ? "https://" : "") + opts_.host + ":" + std::to_string(port_.load()));
  net::post(strand_, [self = shared_from_this()] { self->do_accept(); });
  return {};
}

result<void> listener::reload_tls() {
  if (!opts_.tls) return {};
  auto r = opts_.tls->reload();
  if (!r) {
    log.error("TLS reload failed on " + opts_.host + ":" + std::to_string(port_.load()) +
              ", keeping the old certificate: " + r.error().message);
    return make_error("http.tls_reload", r.error().message);
  }
  log.info("TLS certificate reloaded on " + opts_.host + ":" + std::to_string(port_.load()));
  return {};
}

std::size_t listener::connections() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void listener::do_accept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(
      net::make_strand(io_),
      [self = shared_from_this()](boost::system::error_code ec, session_socket socket) {
        self->on_accept(ec, std::move(socket));
      });
}

void listener::on_accept(boost::system::error_code ec, session_socket socket) {
  if (ec) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    // EMFILE and friends: the connection stays in the backlog, so accepting
    // again at once fails again at once. That loop spun a core and logged
    // 100,000 warnings a second while a flood held every descriptor. Wait a
    // little (closing connections free descriptors meanwhile), warn once.
    if (!accept_failing_) log.warn("accept failed: " + ec.message() + "; retrying every 100ms");
    accept_failing_ = true;
    accept_retry_.expires_after(std::chrono::milliseconds(100));
    accept_retry_.async_wait([self = shared_from_this()](boost::system::error_code wec) {
      if (!wec) self->do_accept();
    });
    return;
  }
  if (accept_failing_) {
    accept_failing_ = false;
    log.info("accepting connections again on " + opts_.host + ":" + std::to_string(port_.load()));
  }
  boost::system::error_code opt_ec;
  socket.set_option(tcp::no_delay(true), opt_ec);
  auto remote = socket.remote_endpoint(opt_ec);

  std::uint64_t id = 0;
  bool pause = false;
  {
    std::lock_guard lock(mu_);
    id = next_id_++;
  }
  std::weak_ptr<listener> weak = weak_from_this();
  auto closed = [weak, id] {
    if (auto l = weak.lock()) l->on_session_closed(id);
  };
  std::shared_ptr<session_base> session;
  if (opts_.tls) {
    auto ctx = opts_.tls->current();
    session = std::make_shared<tls_session>(
        tls_stream(session_stream(std::move(socket)), *ctx), remote, session_cfg_,
        std::move(closed), ctx);
  } else {
    session = std::make_shared<plain_session>(session_stream(std::move(socket)), remote,
                                              session_cfg_, std::move(closed));
  }
  {
    std::lock_guard lock(mu_);
    sessions_.emplace(id, session);
    pause = sessions_.size() >= opts_.max_connections;
    paused_ = pause;
  }
  if (opts_.tls) {
    std::static_pointer_cast<tls_session>(session)->run();
  } else {
    std::static_pointer_cast<plain_session>(session)->run();
  }
  if (!pause) do_accept();
}

void listener::on_session_closed(std::uint64_t id) {
  bool resume = false;
  {
    std::lock_guard lock(mu_);
    sessions_.erase(id);
    if (paused_ && !stopped_ && sessions_.size() < opts_.max_connections) {
      paused_ = false;
      resume = true;
    }
  }
  if (resume) net::post(strand_, [self = shared_from_this()] { self->do_accept(); });
}

void listener::close_acceptor() {
  accept_retry_.cancel();
  boost::system::error_code ec;
  if (acceptor_.is_open()) {
    acceptor_.close(ec);
    log.info("stopped listening on " + opts_.host + ":" + std::to_string(port_.load()));
  }
  listening_ = false;
}

std::vector<std::shared_ptr<session_base>> listener::live_sessions() const {
  std::vector<std::shared_ptr<session_base>> live;
  std::lock_guard lock(mu_);
  for (const auto& [id, w] : sessions_) {
    if (auto s = w.lock()) live.push_back(std::move(s));
  }
  return live;
}

void listener::stop_accepting() { shut_down(/*drain=*/true); }

void listener::stop() { shut_down(/*drain=*/false); }

void listener::shut_down(bool drain) {
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
  }
  net::post(strand_, [self = shared_from_this(), drain] {
    self->close_acceptor();
    for (auto& s : self->live_sessions()) {
      if (drain) {
        s->drain();
      } else {
        s->close();
      }
    }
  });
}

}  // namespace simpul::http
