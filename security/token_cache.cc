#include "security/token_cache.h"

namespace simpul::security {

std::optional<std::string> token_cache::get(clock::time_point now) const {
  std::lock_guard lock(mutex_);
  if (token_.empty() || now >= valid_until_) return std::nullopt;
  return token_;
}

void token_cache::store(std::string token, std::chrono::seconds expires_in, clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (expires_in.count() <= 0) expires_in = default_lifetime;
  // A token shorter-lived than twice the margin is still used for half its life.
  std::chrono::seconds margin = margin_ * 2 < expires_in ? margin_ : expires_in / 2;
  token_ = std::move(token);
  valid_until_ = now + expires_in - margin;
  refreshing_since_.reset();
}

void token_cache::invalidate(std::string_view token) {
  std::lock_guard lock(mutex_);
  if (token_ == token) {
    token_.clear();
    valid_until_ = {};
  }
}

bool token_cache::begin_refresh(clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!token_.empty() && now < valid_until_) return false;
  if (refreshing_since_ && now - *refreshing_since_ < stall) return false;
  refreshing_since_ = now;
  return true;
}

void token_cache::end_refresh() {
  std::lock_guard lock(mutex_);
  refreshing_since_.reset();
}

}  // namespace simpul::security
