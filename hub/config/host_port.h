#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hub/error.h"

namespace simpul::config {

struct host_port {
  std::string host;  ///< name or address; IPv6 without the brackets
  std::uint16_t port = 0;
};

/// "127.0.0.1:8080", "0.0.0.0:443", "localhost:0" (0 = any free port),
/// "[::1]:9464". The host is required: listening on every interface must be
/// asked for explicitly with 0.0.0.0 or [::].
result<host_port> parse_host_port(std::string_view text);

}  // namespace simpul::config
