#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "hub/error.h"

namespace simpul::cli {

/// Where the admin API of a running hub is and how to get in: from flags,
/// then the environment (SIMPUL_ADMIN_URL, SIMPUL_ADMIN_TOKEN), then the
/// `hub.admin` section of the config file given with -c.
struct admin_target {
  std::string host = "127.0.0.1";
  std::string port = "9464";
  std::string token;
};

/// Parses "http://HOST:PORT" or "HOST:PORT" into `t`.
result<void> parse_admin_url(std::string_view url, admin_target& t);

struct admin_reply {
  int status = 0;
  std::string body;
};

/// One blocking HTTP/1.1 request to the admin API (plain HTTP on the
/// admin listener, which binds to loopback by default).
result<admin_reply> admin_request(const admin_target& t, std::string_view method,
                                  std::string_view target, std::string_view body = {},
                                  std::chrono::seconds timeout = std::chrono::seconds(30));

/// `s` with every byte outside [A-Za-z0-9-._~] percent-encoded.
std::string url_encode(std::string_view s);

}  // namespace simpul::cli
