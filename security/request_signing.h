#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "security/auth_reason.h"

namespace simpul::security {

/// HMAC-SHA256 request signing for outbound HTTP (and its verifying side for
/// inbound webhooks). The canonical string (see security/README.md) is
///
///   "v1\n" METHOD "\n" TARGET "\n" TIMESTAMP "\n" hex(SHA-256(body))
///
/// METHOD upper-case; TARGET the request-target exactly as sent (path and
/// query, e.g. "/api/v1/lapor?x=1"); TIMESTAMP decimal Unix seconds. Headers:
///   <timestamp_header>: <TIMESTAMP>
///   <signature_header>: v1=<hex HMAC-SHA256(secret, canonical)>
/// The verifier accepts a comma-separated list of `v1=` values (key
/// rotation on the sender) and a list of secrets (rotation on the receiver).
struct signing_options {
  std::string timestamp_header = "X-Simpul-Timestamp";
  std::string signature_header = "X-Simpul-Signature";
  std::chrono::seconds tolerance{300};  ///< verifier: max |now - timestamp|
};

std::string canonical_request(std::string_view method, std::string_view target,
                              std::int64_t timestamp, std::string_view body);

/// Immutable; `sign` is const and thread-safe.
class request_signer {
 public:
  request_signer(std::string secret, signing_options opts = {})
      : secret_(std::move(secret)), opts_(std::move(opts)) {}

  using headers = std::vector<std::pair<std::string, std::string>>;
  /// The two headers to add to the request.
  headers sign(std::string_view method, std::string_view target, std::string_view body,
               std::chrono::system_clock::time_point now) const;
  /// Just the "v1=<hex>" value.
  std::string signature(std::string_view method, std::string_view target, std::int64_t timestamp,
                        std::string_view body) const;

 private:
  std::string secret_;
  signing_options opts_;
};

/// Immutable; `verify` is const and thread-safe. Result reasons:
/// no_credentials (header missing), malformed_credentials, expired (stale
/// or future timestamp beyond tolerance), bad_signature.
class request_verifier {
 public:
  request_verifier(std::vector<std::string> secrets, signing_options opts = {})
      : secrets_(std::move(secrets)), opts_(std::move(opts)) {}

  auth_reason verify(std::string_view method, std::string_view target, std::string_view body,
                     std::string_view timestamp_header, std::string_view signature_header,
                     std::chrono::system_clock::time_point now) const;

  const signing_options& options() const { return opts_; }

 private:
  std::vector<std::string> secrets_;
  signing_options opts_;
};

}  // namespace simpul::security
