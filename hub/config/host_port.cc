#include "hub/config/host_port.h"

#include <cctype>
#include <charconv>

namespace simpul::config {
namespace {

bool valid_host_name(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  for (char c : h) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
      return false;
  }
  return true;
}

bool valid_ipv6(std::string_view h) {
  if (h.empty()) return false;
  for (char c : h) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  return true;
}

}  // namespace

result<host_port> parse_host_port(std::string_view text) {
  auto bad = [&](std::string why) {
    return make_error("config.bad_listen", "'" + std::string(text) + "' is not host:port (" + why +
                                               "; e.g. 127.0.0.1:8080 or [::1]:8080)");
  };
  std::string_view host;
  std::string_view port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("an IPv6 address is written [address]:port");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (!valid_ipv6(host)) return bad("'" + std::string(host) + "' is not an IPv6 address");
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("the port is missing");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.empty()) return bad("the host is missing; use 0.0.0.0 for every interface");
    if (!valid_host_name(host)) return bad("'" + std::string(host) + "' is not a host name");
  }
  unsigned value = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || p != port.data() + port.size() || value > 65535)
    return bad("the port must be a number from 0 to 65535");
  return host_port{std::string(host), static_cast<std::uint16_t>(value)};
}

}  // namespace simpul::config
