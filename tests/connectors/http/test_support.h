#pragma once

#include <utility>  // Boost 1.74 asio needs it first in C++23 mode

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <yaml-cpp/yaml.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "connectors/connector.h"
#include "hub/config/node.h"

namespace simpul::test {

using namespace std::chrono_literals;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using net::ip::tcp;
using string_request = bhttp::request<bhttp::string_body>;
using string_response = bhttp::response<bhttp::string_body>;

/// Waits for `pred` up to `deadline`, polling; true when it held.
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline = 5s);

/// A gate the test opens; waiting sides give up after 10 s so a failing test
/// never hangs.
struct gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false;
  void release() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu);
    cv.wait_for(lock, 10s, [&] { return open; });
  }
};

/// An io_context run by N threads for the duration of a test. `finish()`
/// lets it run out of work and reports whether it did within the deadline
/// (false means something kept an async operation alive: a leak).
class io_runner {
 public:
  explicit io_runner(int threads = 2);
  ~io_runner();
  net::io_context& io() { return io_; }
  bool finish(std::chrono::milliseconds deadline = 5s);

 private:
  net::io_context io_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0;
};

/// A context for connectors under test; dead letters are recorded.
struct test_context {
  explicit test_context(net::io_context& io, std::string name = "test");
  connectors::context ctx;
  std::mutex mu;
  std::vector<std::pair<message_ptr, error>> dead;
};

/// An ingress that records messages and answers with `answer` (on a
/// separate thread when `async` is set, as the hub's pipeline would).
class recording_ingress : public connectors::ingress {
 public:
  using answer_fn = std::function<connectors::ingest_result(const message&)>;
  explicit recording_ingress(answer_fn answer, bool async = false);
  ~recording_ingress() override;
  void submit(message_ptr msg, connectors::ingest_handler done) override;
  std::vector<message_ptr> received();

 private:
  answer_fn answer_;
  bool async_;
  std::mutex mu_;
  std::vector<message_ptr> received_;
  std::vector<std::thread> threads_;
};

/// A blocking HTTP/1.1 client connection for tests (reads time out after 5 s).
class client_connection {
 public:
  explicit client_connection(std::uint16_t port);
  string_response round_trip(string_request req);
  void write_raw(std::string_view bytes);
  /// Reads until the peer closes; true when it did before `deadline`.
  bool wait_closed(std::chrono::milliseconds deadline = 5s);
  tcp::socket& socket() { return socket_; }

 private:
  net::io_context io_;
  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

string_request make_request(bhttp::verb method, std::string target, std::string body = {},
                            std::string content_type = "application/json");

/// A stand-in HTTP server for client tests: thread per connection, blocking
/// Beast reads, keep-alive, a handler that builds each response.
class stand_in_server {
 public:
  using handler = std::function<string_response(const string_request&)>;
  explicit stand_in_server(handler h);
  ~stand_in_server();
  std::uint16_t port() const { return port_; }
  int connections() const;
  std::vector<string_request> requests() const;

 private:
  void accept_loop();
  void serve(tcp::socket s);

  handler handler_;
  net::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread accept_thread_;
  mutable std::mutex mu_;
  std::vector<std::thread> conn_threads_;
  std::vector<int> conn_fds_;
  std::vector<string_request> requests_;
  int connections_ = 0;
  bool stopping_ = false;
};

/// A port nothing listens on (bound then released).
std::uint16_t unused_port();

/// Converts yaml-cpp's tree into the hub's config node, keeping positions.
config::node_ptr yaml_node(const std::string& text, const std::string& file = "test.yaml");

}  // namespace simpul::test
