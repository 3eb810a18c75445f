// HTTP load generator and counting sink for the durable-ingest benchmark
// (bench/durable_ingest.sh). Two modes:
//
//   http_load post PORT PATH CONNECTIONS TOTAL BODY_BYTES
//     CONNECTIONS keep-alive connections on 127.0.0.1:PORT POST TOTAL requests
//     of BODY_BYTES JSON bodies, one request at a time per connection; prints
//     the answers by status and the rate of 202s. The request is serialised
//     once and each response is framed by its Content-Length, so the
//     generator spends little of the CPU it shares with the hub.
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
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

struct load_state {
  std::string request;  ///< one complete request, serialised once by Beast
  std::size_t total = 0;
  std::size_t started = 0;
  std::size_t done = 0;
  std::map<unsigned, std::size_t> by_status;
  std::size_t errors = 0;
};

// The request bytes Beast writes for POST PATH with this body (what the
// previous version of this tool rebuilt and serialised for every request).
std::string serialise_request(const std::string& path, const std::string& body) {
  http::request<http::string_body> req{http::verb::post, path, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();
  std::string out;
  http::request_serializer<http::string_body> sr(req);
  beast::error_code ec;
  while (!sr.is_done()) {
    sr.next(ec, [&](beast::error_code&, const auto& buffers) {
      std::size_t n = 0;
      for (auto b : beast::buffers_range_ref(buffers)) {
        out.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      sr.consume(n);
    });
  }
  return out;
}

// One HTTP/1.1 response at the front of `in`: its status and total length,
// or 0 when incomplete. Content-Length framing only (what the hub sends);
// -1 on anything else, which counts as an error.
long parse_response(std::string_view in, unsigned& status) {
  auto end = in.find("\r\n\r\n");
  if (end == std::string_view::npos) return in.size() > 64 * 1024 ? -1 : 0;
  if (in.size() < 12 || !in.starts_with("HTTP/1.")) return -1;
  status = static_cast<unsigned>(std::atoi(std::string(in.substr(9, 3)).c_str()));
  std::size_t length = 0;
  bool have_length = false;
  std::string_view head = in.substr(0, end + 2);
  for (std::size_t pos = head.find("\r\n"); pos != std::string_view::npos && pos + 2 < head.size();) {
    auto next = head.find("\r\n", pos + 2);
    auto line = head.substr(pos + 2, next - pos - 2);
    auto colon = line.find(':');
    if (colon != std::string_view::npos && beast::iequals(line.substr(0, colon), "content-length")) {
      auto v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      length = std::strtoull(std::string(v).c_str(), nullptr, 10);
      have_length = true;
    }
    pos = next;
  }
  if (!have_length) return -1;
  std::size_t total = end + 4 + length;
  return in.size() >= total ? static_cast<long>(total) : 0;
}

// One keep-alive connection: writes the prepared request, reads the whole
// response, counts its status, repeats. No per-request allocation, so the
// generator's own CPU (it shares the machine with the hub) stays small.
class client : public std::enable_shared_from_this<client> {
 public:
  client(asio::io_context& io, load_state& st, tcp::endpoint ep) : socket_(io), st_(st), ep_(ep) {}

  void start() {
    socket_.async_connect(ep_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail();
      self->next();
    });
  }

 private:
  void next() {
    if (st_.started >= st_.total) return;
    ++st_.started;
    asio::async_write(socket_, asio::buffer(st_.request),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->fail();
                        self->read();
                      });
  }

  void read() {
    unsigned status = 0;
    long n = parse_response(std::string_view(in_.data(), have_), status);
    if (n < 0) return fail();
    if (n > 0) {
      std::memmove(in_.data(), in_.data() + n, have_ - static_cast<std::size_t>(n));
      have_ -= static_cast<std::size_t>(n);
      ++st_.by_status[status];
      ++st_.done;
      return next();
    }
    if (have_ == in_.size()) in_.resize(in_.size() * 2);
    socket_.async_read_some(asio::buffer(in_.data() + have_, in_.size() - have_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t got) {
                              if (ec) return self->fail();
                              self->have_ += got;
                              self->read();
                            });
  }

  void fail() {
    ++st_.errors;
    ++st_.done;
    beast::error_code ignored;
    socket_.close(ignored);
    if (st_.errors > 1000) return;  // the server is gone: give up
    // Reconnect and go on (a refused request counts as an error).
    have_ = 0;
    start();
  }

  tcp::socket socket_;
  load_state& st_;
  tcp::endpoint ep_;
  std::string in_ = std::string(4096, '\0');
  std::size_t have_ = 0;
};

int run_post(unsigned short port, std::string path, std::size_t conns, std::size_t total,
             std::size_t body_bytes) {
  asio::io_context io;
  load_state st;
  st.total = total;
  // {"pad":"xx..x"}: 10 bytes of JSON around the padding.
  std::string pad(body_bytes > 10 ? body_bytes - 10 : 0, 'x');
  std::string body = "{\"pad\":\"" + pad + "\"}";
  st.request = serialise_request(path, body);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
  auto t0 = steady::now();
  for (std::size_t i = 0; i < conns; ++i) std::make_shared<client>(io, st, ep)->start();
  io.run();
  double secs = std::chrono::duration<double>(steady::now() - t0).count();
  std::printf("requests=%zu connections=%zu body=%zuB seconds=%.2f", st.done, conns,
              body.size(), secs);
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
