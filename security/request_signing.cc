#include "security/request_signing.h"

#include <charconv>

#include "security/crypto.h"

namespace simpul::security {

namespace {
std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}
}  // namespace

std::string canonical_request(std::string_view method, std::string_view target,
                              std::int64_t timestamp, std::string_view body) {
  std::string out = "v1\n";
  for (char c : method) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  out += '\n';
  out += target;
  out += '\n';
  out += std::to_string(timestamp);
  out += '\n';
  out += crypto::sha256_hex(body);
  return out;
}

std::string request_signer::signature(std::string_view method, std::string_view target,
                                      std::int64_t timestamp, std::string_view body) const {
  auto mac = crypto::hmac_sha256(secret_, canonical_request(method, target, timestamp, body));
  return "v1=" + crypto::to_hex(mac);
}

request_signer::headers request_signer::sign(std::string_view method, std::string_view target,
                                             std::string_view body,
                                             std::chrono::system_clock::time_point now) const {
  std::int64_t ts = unix_seconds(now);
  return {{opts_.timestamp_header, std::to_string(ts)},
          {opts_.signature_header, signature(method, target, ts, body)}};
}

auth_reason request_verifier::verify(std::string_view method, std::string_view target,
                                     std::string_view body, std::string_view timestamp_header,
                                     std::string_view signature_header,
                                     std::chrono::system_clock::time_point now) const {
  timestamp_header = trim(timestamp_header);
  signature_header = trim(signature_header);
  if (timestamp_header.empty() || signature_header.empty()) return auth_reason::no_credentials;
  std::int64_t ts = 0;
  auto [p, ec] = std::from_chars(timestamp_header.data(),
                                 timestamp_header.data() + timestamp_header.size(), ts);
  if (ec != std::errc{} || p != timestamp_header.data() + timestamp_header.size() || ts < 0)
    return auth_reason::malformed_credentials;
  std::int64_t skew = unix_seconds(now) - ts;
  if (skew > opts_.tolerance.count() || -skew > opts_.tolerance.count())
    return auth_reason::expired;

  const std::string canonical = canonical_request(method, target, ts, body);
  bool any_v1 = false;
  bool match = false;
  std::string_view rest = signature_header;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (!item.starts_with("v1=")) continue;
    auto presented = crypto::from_hex(item.substr(3));
    if (!presented || presented->size() != 32) return auth_reason::malformed_credentials;
    any_v1 = true;
    for (const std::string& secret : secrets_) {
      auto mac = crypto::hmac_sha256(secret, canonical);
      // Keep comparing after a match so timing does not depend on position.
      if (crypto::equal_ct(crypto::bytes_view(mac), crypto::as_bytes(*presented))) match = true;
    }
  }
  if (!any_v1) return auth_reason::malformed_credentials;
  return match ? auth_reason::ok : auth_reason::bad_signature;
}

}  // namespace simpul::security
