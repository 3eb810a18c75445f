#pragma once

#include <memory>
#include <vector>

#include "connectors/http/inbound_auth.h"
#include "hub/config/node.h"
#include "hub/config/spec.h"
#include "hub/error.h"

namespace simpul::security {
class tls_context;
}

namespace simpul::http {

/// Config fields of a listener's `tls:` block (http_server and hub.admin):
/// cert_file, key_file, key_password, client_certs, client_ca_file,
/// crl_file, min_version.
std::vector<config::field_spec> tls_server_fields();
/// Fields of the http_server `auth:` block (api_keys, basic, jwt, mtls).
std::vector<config::field_spec> auth_fields();
/// Fields of the http_server `rate_limit:` block (rate, burst, max_clients).
std::vector<config::field_spec> rate_limit_fields();

/// The TLS context a `tls:` block describes; null when `tls` is absent or
/// has no cert_file (plain HTTP). Errors name the unreadable file.
result<std::shared_ptr<security::tls_context>> read_server_tls(const config::node* tls);

/// The `auth:` and `rate_limit:` blocks of an http_server (either may be null).
inbound_auth_settings read_auth(const config::node* auth, const config::node* rate_limit);

}  // namespace simpul::http
