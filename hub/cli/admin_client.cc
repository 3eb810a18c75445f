#include "hub/cli/admin_client.h"

#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace simpul::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

result<void> parse_admin_url(std::string_view url, admin_target& t) {
  if (url.starts_with("http://")) url.remove_prefix(7);
  if (url.starts_with("https://")) {
    return make_error("cli.admin_url", "the admin API speaks plain HTTP; use http://HOST:PORT");
  }
  while (url.ends_with('/')) url.remove_suffix(1);
  auto colon = url.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == url.size()) {
    return make_error("cli.admin_url", "expected HOST:PORT, got '" + std::string(url) + "'");
  }
  t.host = std::string(url.substr(0, colon));
  t.port = std::string(url.substr(colon + 1));
  if (t.host.size() > 2 && t.host.front() == '[' && t.host.back() == ']') {
    t.host = t.host.substr(1, t.host.size() - 2);
  }
  return {};
}

result<admin_reply> admin_request(const admin_target& t, std::string_view method,
                                  std::string_view target, std::string_view body,
                                  std::chrono::seconds timeout) {
  try {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    auto endpoints = resolver.resolve(t.host, t.port);
    stream.connect(endpoints);
    http::request<http::string_body> req(http::string_to_verb(method),
                                         std::string(target), 11);
    req.set(http::field::host, t.host + ":" + t.port);
    req.set(http::field::user_agent, "simpul-cli");
    if (!t.token.empty()) req.set(http::field::authorization, "Bearer " + t.token);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = std::string(body);
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256ull << 20);
    http::read(stream, buf, parser);
    boost::system::error_code ec;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    auto res = parser.release();
    return admin_reply{static_cast<int>(res.result_int()), std::move(res.body())};
  } catch (const std::exception& e) {
    return make_error("cli.admin_unreachable",
                      "admin API at " + t.host + ":" + t.port + ": " + e.what());
  }
}

std::string url_encode(std::string_view s) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

}  // namespace simpul::cli
