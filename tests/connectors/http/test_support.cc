#include "tests/connectors/http/test_support.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/core/error.hpp>

namespace simpul::test {

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

io_runner::io_runner(int threads) : guard_(net::make_work_guard(io_)) {
  running_ = threads;
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      io_.run();
      std::lock_guard lock(mu_);
      --running_;
      cv_.notify_all();
    });
  }
}

bool io_runner::finish(std::chrono::milliseconds deadline) {
  guard_.reset();
  std::unique_lock lock(mu_);
  bool drained = cv_.wait_for(lock, deadline, [&] { return running_ == 0; });
  lock.unlock();
  if (!drained) io_.stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  return drained;
}

io_runner::~io_runner() { finish(); }

test_context::test_context(net::io_context& io, std::string name)
    : ctx{io, std::move(name), {}, nullptr, {}} {
  ctx.dead_letter = [this](message_ptr m, error e) {
    std::lock_guard lock(mu);
    dead.emplace_back(std::move(m), std::move(e));
  };
}

recording_ingress::recording_ingress(answer_fn answer, bool async)
    : answer_(std::move(answer)), async_(async) {}

recording_ingress::~recording_ingress() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(threads_);
  }
  // The last reference may be dropped by one of our own workers (its `done`
  // kept a responder, hence the server, hence us): that one just ends.
  for (auto& t : threads) {
    if (t.get_id() == std::this_thread::get_id()) {
      t.detach();
    } else {
      t.join();
    }
  }
}

void recording_ingress::submit(message_ptr msg, connectors::ingest_handler done) {
  {
    std::lock_guard lock(mu_);
    received_.push_back(msg);
  }
  if (!async_) {
    done(answer_(*msg));
    return;
  }
  std::lock_guard lock(mu_);
  threads_.emplace_back([this, msg, done = std::move(done)] { done(answer_(*msg)); });
}

std::vector<message_ptr> recording_ingress::received() {
  std::lock_guard lock(mu_);
  return received_;
}

client_connection::client_connection(std::uint16_t port) : socket_(io_) {
  socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  timeval tv{5, 0};
  ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

string_response client_connection::round_trip(string_request req) {
  req.prepare_payload();
  bhttp::write(socket_, req);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(socket_, buffer_, parser);
  return parser.release();
}

void client_connection::write_raw(std::string_view bytes) {
  net::write(socket_, net::buffer(bytes.data(), bytes.size()));
}

bool client_connection::wait_closed(std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  char buf[4096];
  while (std::chrono::steady_clock::now() < end) {
    boost::system::error_code ec;
    socket_.read_some(net::buffer(buf), ec);
    if (ec == net::error::eof || ec == net::error::connection_reset) return true;
    if (ec && ec != net::error::would_block && ec != net::error::try_again) return true;
  }
  return false;
}

string_request make_request(bhttp::verb method, std::string target, std::string body,
                            std::string content_type) {
  string_request req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  if (!body.empty() || method == bhttp::verb::post) {
    req.set(bhttp::field::content_type, content_type);
    req.body() = std::move(body);
  }
  req.prepare_payload();
  return req;
}

stand_in_server::stand_in_server(handler h) : handler_(std::move(h)), acceptor_(io_) {
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol());
  acceptor_.bind(ep);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  accept_thread_ = std::thread([this] { accept_loop(); });
}

stand_in_server::~stand_in_server() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (int fd : conn_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocked accept
  accept_thread_.join();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    threads.swap(conn_threads_);
  }
  for (auto& t : threads) t.join();
}

void stand_in_server::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket s(io_);
    acceptor_.accept(s, ec);
    std::lock_guard lock(mu_);
    if (ec || stopping_) return;
    ++connections_;
    conn_fds_.push_back(s.native_handle());
    conn_threads_.emplace_back([this, s = std::move(s)]() mutable { serve(std::move(s)); });
  }
}

void stand_in_server::serve(tcp::socket s) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    boost::system::error_code ec;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    bhttp::read(s, buffer, parser, ec);
    if (ec) break;
    string_request req = parser.release();
    {
      std::lock_guard lock(mu_);
      requests_.push_back(req);
    }
    auto res = handler_(req);
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    bhttp::write(s, res, ec);
    if (ec || !req.keep_alive()) break;
  }
  std::lock_guard lock(mu_);
  std::erase(conn_fds_, s.native_handle());
}

int stand_in_server::connections() const {
  std::lock_guard lock(mu_);
  return connections_;
}

std::vector<string_request> stand_in_server::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

std::uint16_t unused_port() {
  net::io_context io;
  tcp::acceptor a(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

namespace {

config::node convert(const YAML::Node& y, const std::string& file) {
  auto m = y.Mark();
  config::mark where{file, m.line + 1, m.column + 1};
  switch (y.Type()) {
    case YAML::NodeType::Scalar: {
      config::node n(config::node::kind::scalar, where);
      n.set_text(y.Scalar());
      return n;
    }
    case YAML::NodeType::Sequence: {
      config::node n(config::node::kind::sequence, where);
      for (const auto& item : y) n.items().push_back(convert(item, file));
      return n;
    }
    case YAML::NodeType::Map: {
      config::node n(config::node::kind::map, where);
      for (const auto& kv : y) {
        auto km = kv.first.Mark();
        n.entries().push_back(config::map_entry{kv.first.Scalar(),
                                                config::mark{file, km.line + 1, km.column + 1},
                                                convert(kv.second, file)});
      }
      return n;
    }
    default:
      return config::node(config::node::kind::null, where);
  }
}

}  // namespace

config::node_ptr yaml_node(const std::string& text, const std::string& file) {
  return std::make_shared<const config::node>(convert(YAML::Load(text), file));
}

}  // namespace simpul::test
