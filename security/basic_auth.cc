#include "security/basic_auth.h"

#include "security/crypto.h"

namespace simpul::security {

namespace {
constexpr std::size_t max_header_size = 4096;

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}
}  // namespace

basic_auth::basic_auth(basic_auth&& o) noexcept
    : users_(std::move(o.users_)),
      dummy_(std::move(o.dummy_)),
      opts_(o.opts_),
      cache_key_(std::move(o.cache_key_)),
      cache_(std::move(o.cache_)) {}

result<basic_auth> basic_auth::make(const std::vector<user>& users, options opts) {
  basic_auth out;
  out.opts_ = opts;
  for (const user& u : users) {
    if (u.name.empty() || u.name.find(':') != std::string::npos)
      return make_error("auth.basic", "invalid user name");
    auto p = password_hash::parse(u.hash);
    if (!p) return make_error("auth.basic", "user '" + u.name + "': " + p.error().message);
    if (out.users_.empty()) out.dummy_ = *p;
    out.users_.emplace(u.name, std::move(*p));
  }
  auto key = crypto::random_bytes(32);
  if (!key) return std::unexpected(key.error());
  out.cache_key_ = std::move(*key);
  return out;
}

auth_result basic_auth::authenticate(std::string_view header) const {
  if (header.empty()) return std::unexpected(auth_reason::no_credentials);
  if (header.size() > max_header_size || !iequals_prefix(header, "basic "))
    return std::unexpected(auth_reason::malformed_credentials);
  std::string_view b64 = header.substr(6);
  while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
  while (!b64.empty() && b64.back() == ' ') b64.remove_suffix(1);
  auto decoded = crypto::base64_decode(b64);
  if (!decoded) return std::unexpected(auth_reason::malformed_credentials);
  std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::unexpected(auth_reason::malformed_credentials);
  return check(std::string_view(*decoded).substr(0, colon),
               std::string_view(*decoded).substr(colon + 1));
}

auth_result basic_auth::check(std::string_view name, std::string_view password) const {
  if (name.empty()) return std::unexpected(auth_reason::no_credentials);
  std::string material(name);
  material += '\0';
  material += password;
  auto mac = crypto::hmac_sha256(cache_key_, material);
  std::string cache_id(reinterpret_cast<const char*>(mac.data()), mac.size());
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(cache_id);
    if (it != cache_.end()) {
      if (it->second > now) return std::string(name);
      cache_.erase(it);
    }
  }
  auto it = users_.find(name);
  if (it == users_.end()) {
    // Same work as a real check, so unknown names are not faster.
    if (!dummy_.hash.empty()) (void)password_hash::verify(password, dummy_);
    return std::unexpected(auth_reason::unknown_credentials);
  }
  if (!password_hash::verify(password, it->second))
    return std::unexpected(auth_reason::bad_secret);
  std::lock_guard lock(mutex_);
  if (cache_.size() >= opts_.max_cached) {
    std::erase_if(cache_, [&](const auto& kv) { return kv.second <= now; });
    if (cache_.size() >= opts_.max_cached) cache_.erase(cache_.begin());
  }
  cache_[cache_id] = now + opts_.ttl;
  return std::string(name);
}

}  // namespace simpul::security
