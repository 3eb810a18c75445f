// HTTP load generator and counting sink for the durable-ingest benchmark
// (bench/durable_ingest.sh). Two modes:
//
//   http_load post PORT PATH CONNECTIONS TOTAL BODY_BYTES
//     CONNECTIONS keep-alive connections on 127.0.0.1:PORT POST TOTAL requests
//     of BODY_BYTES JSON bodies, one request at a time per connection; prints
//     the answers by status and the rate of 202s.
//   http_load sink PORT EXPECT
//     answers every request 200 `{}` on 127.0.0.1:PORT; after EXPECT requests
//     prints the rate (first to last request) and exits.
//
// One io_context thread per mode; Boost.Beast. Not part of the hub.
#include <utility>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

struct load_state {
  std::string path;
  std::string body;
  std::size_t total = 0;
  std::size_t started = 0;
  std::size_t done = 0;
  std::map<unsigned, std::size_t> by_status;
  std::size_t errors = 0;
};

class client : public std::enable_shared_from_this<client> {
 public:
  client(asio::io_context& io, load_state& st, tcp::endpoint ep) : stream_(io), st_(st), ep_(ep) {}

  void start() {
    stream_.async_connect(ep_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail();
      self->next();
    });
  }

 private:
  void next() {
    if (st_.started >= st_.total) return;
    ++st_.started;
    req_ = {http::verb::post, st_.path, 11};
    req_.set(http::field::host, "127.0.0.1");
    req_.set(http::field::content_type, "application/json");
    req_.keep_alive(true);
    req_.body() = st_.body;
    req_.prepare_payload();
    http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail();
      self->res_ = {};
      http::async_read(self->stream_, self->buf_, self->res_,
                       [self](beast::error_code ec2, std::size_t) {
                         if (ec2) return self->fail();
                         ++self->st_.by_status[self->res_.result_int()];
                         ++self->st_.done;
                         self->next();
                       });
    });
  }

  void fail() {
    ++st_.errors;
    ++st_.done;
    beast::error_code ignored;
    stream_.socket().close(ignored);
    if (st_.errors > 1000) return;  // the server is gone: give up
    // Reconnect and go on (a refused request counts as an error).
    buf_.consume(buf_.size());
    start();
  }

  beast::tcp_stream stream_;
  load_state& st_;
  tcp::endpoint ep_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

int run_post(unsigned short port, std::string path, std::size_t conns, std::size_t total,
             std::size_t body_bytes) {
  asio::io_context io;
  load_state st;
  st.path = std::move(path);
  st.total = total;
  // {"pad":"xx..x"}: 10 bytes of JSON around the padding.
  std::string pad(body_bytes > 10 ? body_bytes - 10 : 0, 'x');
  st.body = "{\"pad\":\"" + pad + "\"}";
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  auto t0 = steady::now();
  for (std::size_t i = 0; i < conns; ++i) std::make_shared<client>(io, st, ep)->start();
  io.run();
  double secs = std::chrono::duration<double>(steady::now() - t0).count();
  std::printf("requests=%zu connections=%zu body=%zuB seconds=%.2f", st.done, conns,
              st.body.size(), secs);
  for (auto& [status, n] : st.by_status) std::printf(" status_%u=%zu", status, n);
  std::printf(" errors=%zu accepted_per_s=%.0f\n", st.errors,
              static_cast<double>(st.by_status[202]) / secs);
  return st.by_status[202] == total ? 0 : 1;
}

struct sink_state {
  std::size_t expect = 0;
  std::size_t seen = 0;
  steady::time_point first, last;
  asio::io_context* io = nullptr;
};

class sink_session : public std::enable_shared_from_this<sink_session> {
 public:
  sink_session(tcp::socket s, sink_state& st) : stream_(std::move(s)), st_(st) {}
  void read() {
    req_ = {};
    http::async_read(stream_, buf_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      auto now = steady::now();
      if (self->st_.seen++ == 0) self->st_.first = now;
      self->st_.last = now;
      self->res_ = {http::status::ok, 11};
      self->res_.set(http::field::content_type, "application/json");
      self->res_.keep_alive(self->req_.keep_alive());
      self->res_.body() = "{}";
      self->res_.prepare_payload();
      http::async_write(self->stream_, self->res_, [self](beast::error_code ec2, std::size_t) {
        if (ec2) return;
        if (self->st_.seen >= self->st_.expect) self->st_.io->stop();
        self->read();
      });
    });
  }

 private:
  beast::tcp_stream stream_;
  sink_state& st_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  http::response<http::string_body> res_;
};

void do_accept(tcp::acceptor& acc, sink_state& st) {
  acc.async_accept([&acc, &st](beast::error_code ec, tcp::socket s) {
    if (!ec) std::make_shared<sink_session>(std::move(s), st)->read();
    do_accept(acc, st);
  });
}

int run_sink(unsigned short port, std::size_t expect) {
  asio::io_context io;
  sink_state st;
  st.expect = expect;
  st.io = &io;
  tcp::acceptor acc(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  do_accept(acc, st);
  io.run();
  double secs = std::chrono::duration<double>(st.last - st.first).count();
  std::printf("delivered=%zu seconds=%.2f delivered_per_s=%.0f\n", st.seen, secs,
              secs > 0 ? static_cast<double>(st.seen) / secs : 0.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "post" && argc == 7) {
    return run_post(static_cast<unsigned short>(std::atoi(argv[2])), argv[3],
                    std::strtoull(argv[4], nullptr, 10), std::strtoull(argv[5], nullptr, 10),
                    std::strtoull(argv[6], nullptr, 10));
  }
  if (mode == "sink" && argc == 4) {
    return run_sink(static_cast<unsigned short>(std::atoi(argv[2])),
                    std::strtoull(argv[3], nullptr, 10));
  }
  std::fprintf(stderr,
               "usage: http_load post PORT PATH CONNECTIONS TOTAL BODY_BYTES\n"
               "       http_load sink PORT EXPECT\n");
  return 2;
}
