#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace simpul::security {

/// Caches one OAuth2 client-credentials access token for an output. The
/// HTTP fetch lives in the http connector; this holds only the policy:
/// - a token counts as valid until `expires_at - refresh_margin`, so it is
///   refreshed BEFORE the server starts refusing it;
/// - at most one caller refreshes at a time (`begin_refresh` returns true to
///   exactly one caller; the others keep using a still-valid token or wait
///   for the refresh to finish and retry);
/// - `invalidate(token)` after a 401 drops the token only if it is still the
///   cached one, so a fresh token stored meanwhile survives a late 401.
/// Threading: all members are safe from any thread. Time is passed in
/// (steady_clock) so tests need no sleeps.
class token_cache {
 public:
  using clock = std::chrono::steady_clock;

  explicit token_cache(std::chrono::seconds refresh_margin = std::chrono::seconds(30))
      : margin_(refresh_margin) {}

  std::optional<std::string> get(clock::time_point now) const;
  /// `expires_in` from the token response; 0 or negative means "unknown":
  /// the token is kept for `default_lifetime`.
  void store(std::string token, std::chrono::seconds expires_in, clock::time_point now);
  void invalidate(std::string_view token);

  /// True when the caller should fetch a token now (none valid and nobody
  /// else fetching, or a fetch started more than `stall` ago).
  bool begin_refresh(clock::time_point now);
  /// Call after a failed fetch; a successful one calls store().
  void end_refresh();

  static constexpr std::chrono::seconds default_lifetime{300};
  static constexpr std::chrono::seconds stall{60};

 private:
  mutable std::mutex mutex_;
  std::chrono::seconds margin_;
  std::string token_;
  clock::time_point valid_until_{};
  std::optional<clock::time_point> refreshing_since_;
};

}  // namespace simpul::security
