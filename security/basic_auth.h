#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "security/auth_reason.h"
#include "security/error.h"
#include "security/password_hash.h"

namespace simpul::security {

/// HTTP Basic for legacy systems. Config maps user names to
/// `pbkdf2-sha256$...` hashes (see password_hash.h); the identity is the
/// user name. An unknown user costs the same PBKDF2 work as a known one, so
/// timing does not reveal which user names exist.
///
/// PBKDF2 is deliberately slow, so successful checks are cached for `ttl`
/// under an HMAC of (user, password) keyed with a per-process random key:
/// the cache never holds a password, and a changed password misses it.
/// Lifecycle: built from config; immutable except the cache.
/// Threading: `authenticate` is safe from any thread (the cache has a mutex).
/// A cache miss runs PBKDF2 on the caller's thread: call it from the worker
/// pool, not an I/O thread, unless the iteration count is small.
class basic_auth {
 public:
  struct user {
    std::string name;
    std::string hash;
  };
  struct options {
    std::chrono::seconds ttl{300};
    std::size_t max_cached = 1024;
  };

  static result<basic_auth> make(const std::vector<user>& users, options opts);
  static result<basic_auth> make(const std::vector<user>& users) { return make(users, options{}); }

  /// `header` is the whole Authorization value, e.g. "Basic dXNlcjpwYXNz".
  auth_result authenticate(std::string_view header) const;
  /// Already split credentials.
  auth_result check(std::string_view user, std::string_view password) const;

  basic_auth(basic_auth&& o) noexcept;

 private:
  basic_auth() = default;
  std::map<std::string, password_hash::parsed, std::less<>> users_;
  password_hash::parsed dummy_;
  options opts_;
  std::string cache_key_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, std::chrono::steady_clock::time_point> cache_;
};

}  // namespace simpul::security
