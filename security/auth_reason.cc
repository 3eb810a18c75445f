#include "security/auth_reason.h"

namespace simpul::security {

std::string_view to_string(auth_reason r) {
  switch (r) {
    case auth_reason::ok: return "ok";
    case auth_reason::anonymous: return "anonymous";
    case auth_reason::no_credentials: return "no_credentials";
    case auth_reason::malformed_credentials: return "malformed_credentials";
    case auth_reason::unknown_credentials: return "unknown_credentials";
    case auth_reason::bad_secret: return "bad_secret";
    case auth_reason::bad_signature: return "bad_signature";
    case auth_reason::unsupported_algorithm: return "unsupported_algorithm";
    case auth_reason::unknown_key: return "unknown_key";
    case auth_reason::token_too_large: return "token_too_large";
    case auth_reason::expired: return "expired";
    case auth_reason::not_yet_valid: return "not_yet_valid";
    case auth_reason::wrong_issuer: return "wrong_issuer";
    case auth_reason::wrong_audience: return "wrong_audience";
    case auth_reason::missing_identity: return "missing_identity";
    case auth_reason::forbidden: return "forbidden";
  }
  return "unknown";
}

int http_status(auth_reason r) {
  switch (r) {
    case auth_reason::ok:
    case auth_reason::anonymous: return 200;
    case auth_reason::forbidden: return 403;
    default: return 401;
  }
}

}  // namespace simpul::security
