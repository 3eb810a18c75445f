#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "security/auth_reason.h"
#include "security/crypto.h"
#include "security/error.h"

namespace simpul::security {

/// API-key authentication. Config holds only `sha256:<64 hex>` hashes of the
/// keys, each mapped to an identity name; a presented key is hashed and
/// compared in constant time (CRYPTO_memcmp) against EVERY entry, so the
/// time taken does not tell which entry (if any) came close.
///
/// Lifecycle: built from config, immutable afterwards; share it as
/// `shared_ptr<const api_keys>` across sessions. Threading: `authenticate`
/// is const and safe from any thread.
class api_keys {
 public:
  struct entry {
    std::string identity;
    std::string hash;  ///< "sha256:<hex>"
  };

  /// Validates every hash; the error names the first bad entry's identity.
  static result<api_keys> make(const std::vector<entry>& entries);

  /// `presented` is the raw key (from `X-API-Key` or `Authorization: ApiKey ..`).
  auth_result authenticate(std::string_view presented) const;

  /// "sha256:<hex>" for config (the CLI exposes this).
  static std::string hash_key(std::string_view key);
  /// A new random key: 32 bytes, base64url (43 characters).
  static result<std::string> generate_key();

  std::size_t size() const { return entries_.size(); }

 private:
  struct stored {
    std::string identity;
    crypto::sha256_digest digest;
  };
  std::vector<stored> entries_;
};

}  // namespace simpul::security
