// Fuzzes the inbound HTTP request path: the bytes a client sends are parsed
// by the same Beast parser and limits a session uses, and a request that
// parses goes through inbound_auth (Authorization / X-API-Key parsing, Basic
// base64, JWT verification, ACL, rate limit), as http_server does before a
// message exists. Traps if a refused request comes out with an identity.
#include <utility>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "connectors/http/inbound_auth.h"
#include "security/api_keys.h"
#include "security/password_hash.h"

namespace {

using namespace simpul;

std::shared_ptr<const http::inbound_auth> make_auth() {
  http::inbound_auth_settings s;
  s.api_keys.push_back({"app-a", security::api_keys::hash_key("kunci-a")});
  s.basic.push_back({"legacy", *security::password_hash::make("sandi", 1000)});
  s.jwt_secret = std::string(32, 's');
  s.jwt.require_exp = false;
  s.allow["lapor"] = {"app-a", "legacy", "sub-1"};
  s.allow["semua"] = {"*"};
  s.rate_limit = {1000, 1000, 64};
  return *http::inbound_auth::make(std::move(s));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto auth = make_auth();
  namespace bhttp = boost::beast::http;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = 0;
  // Feed in two pieces, as a socket might deliver them.
  std::size_t cut = size / 2;
  used = parser.put(boost::asio::buffer(data, cut), ec);
  if (ec == bhttp::error::need_more) ec = {};
  if (!ec) {
    std::size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    (void)n;
  }
  if (ec || !parser.is_header_done()) return 0;
  http::inbound_request req;
  req.msg = parser.release();
  req.peer_identity = size % 3 == 0 ? "kab-bandung" : "";
  auto route = size % 2 == 0 ? "lapor" : "semua";
  auto v = auth->check(route, req, std::chrono::steady_clock::time_point{});
  if (v.status == 401 && !v.identity.empty()) __builtin_trap();
  if (v.status != 200 && v.status != 401 && v.status != 403 && v.status != 429) __builtin_trap();
  return 0;
}
