#include "security/api_keys.h"

#include <cstring>

namespace simpul::security {

namespace {
constexpr std::string_view prefix = "sha256:";
constexpr std::size_t max_key_size = 4096;
}  // namespace

result<api_keys> api_keys::make(const std::vector<entry>& entries) {
  api_keys out;
  for (const entry& e : entries) {
    if (e.identity.empty()) return make_error("auth.api_key", "API key entry without identity");
    std::string_view h = e.hash;
    if (!h.starts_with(prefix))
      return make_error("auth.api_key", "key of '" + e.identity + "' must be 'sha256:<hex>'");
    auto raw = crypto::from_hex(h.substr(prefix.size()));
    if (!raw || raw->size() != 32)
      return make_error("auth.api_key", "key of '" + e.identity + "' is not 64 hex digits");
    stored s{e.identity, {}};
    std::memcpy(s.digest.data(), raw->data(), 32);
    out.entries_.push_back(std::move(s));
  }
  return out;
}

auth_result api_keys::authenticate(std::string_view presented) const {
  if (presented.empty()) return std::unexpected(auth_reason::no_credentials);
  if (presented.size() > max_key_size) return std::unexpected(auth_reason::malformed_credentials);
  const crypto::sha256_digest digest = crypto::sha256(presented);
  const stored* match = nullptr;
  for (const stored& s : entries_) {
    // No early exit: every entry is compared.
    if (crypto::equal_ct(digest, s.digest) && match == nullptr) match = &s;
  }
  if (match == nullptr) return std::unexpected(auth_reason::unknown_credentials);
  return match->identity;
}

std::string api_keys::hash_key(std::string_view key) {
  return std::string(prefix) + crypto::sha256_hex(key);
}

result<std::string> api_keys::generate_key() {
  auto raw = crypto::random_bytes(32);
  if (!raw) return std::unexpected(raw.error());
  return crypto::base64url_encode(crypto::as_bytes(*raw));
}

}  // namespace simpul::security
