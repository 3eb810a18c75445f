#pragma once

#include <utility>  // Boost 1.74 asio needs it first in C++23 mode

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace simpul::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;

/// One complete request read by a session, with the peer it came from.
/// Owned by the handler once delivered (it may move the body out).
struct inbound_request {
  http::request msg;
  boost::asio::ip::tcp::endpoint remote;
  std::string remote_text;   ///< `remote` as host:port ([v6]:port), formatted once per connection
  bool tls = false;          ///< arrived over TLS
  std::string peer_identity; ///< verified client certificate's name (CN, else first SAN); empty without one
};
using request_ptr = std::shared_ptr<inbound_request>;

/// The way back to the client for one request. Copyable handle to shared
/// state; `send` may be called from any thread, later, and the first call wins
/// (the session posts the write onto its own strand). If every copy is dropped
/// without an answer the client gets a 500, so a lost callback never leaves a
/// connection hanging.
class responder {
 public:
  using deliver_fn = std::function<void(response)>;

  explicit responder(deliver_fn deliver);

  /// Answer the request. Returns false when it was already answered.
  bool send(response res) const;
  bool answered() const;

 private:
  struct state {
    deliver_fn deliver;
    std::atomic<bool> done{false};
    ~state();
  };
  std::shared_ptr<state> state_;
};

/// What the listener calls for every complete request. Runs on the session's
/// strand: it must not block (hand work off and answer through the responder).
using request_handler = std::function<void(request_ptr, responder)>;

}  // namespace simpul::http
