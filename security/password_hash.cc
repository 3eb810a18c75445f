#include "security/password_hash.h"

#include <openssl/evp.h>

#include <charconv>

#include "security/crypto.h"

namespace simpul::security::password_hash {
namespace {

constexpr std::string_view scheme = "pbkdf2-sha256";

std::string derive(std::string_view password, std::string_view salt, std::uint32_t iterations) {
  std::string out(32, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                    static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

}  // namespace

result<std::string> make(std::string_view password, std::uint32_t iterations) {
  if (iterations < min_iterations || iterations > max_iterations)
    return make_error("auth.password_hash", "iterations out of range");
  auto salt = crypto::random_bytes(16);
  if (!salt) return std::unexpected(salt.error());
  std::string out(scheme);
  out += '$';
  out += std::to_string(iterations);
  out += '$';
  out += crypto::base64url_encode(crypto::as_bytes(*salt));
  out += '$';
  out += crypto::base64url_encode(crypto::as_bytes(derive(password, *salt, iterations)));
  return out;
}

result<parsed> parse(std::string_view stored) {
  auto bad = [] { return make_error("auth.password_hash", "expected pbkdf2-sha256$iter$salt$hash"); };
  std::string_view parts[4];
  for (int i = 0; i < 4; ++i) {
    std::size_t p = i < 3 ? stored.find('$') : stored.size();
    if (p == std::string_view::npos) return bad();
    parts[i] = stored.substr(0, p);
    stored.remove_prefix(i < 3 ? p + 1 : p);
  }
  if (parts[0] != scheme || parts[3].find('$') != std::string_view::npos) return bad();
  parsed out;
  auto [ptr, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), out.iterations);
  if (ec != std::errc{} || ptr != parts[1].data() + parts[1].size()) return bad();
  if (out.iterations < min_iterations || out.iterations > max_iterations)
    return make_error("auth.password_hash", "iterations out of range");
  auto salt = crypto::base64url_decode(parts[2]);
  auto hash = crypto::base64url_decode(parts[3]);
  if (!salt || !hash || salt->size() < 8 || hash->size() != 32) return bad();
  out.salt = std::move(*salt);
  out.hash = std::move(*hash);
  return out;
}

bool verify(std::string_view password, const parsed& stored) {
  return crypto::equal_ct(derive(password, stored.salt, stored.iterations), stored.hash);
}

bool verify(std::string_view password, std::string_view stored) {
  auto p = parse(stored);
  return p && verify(password, *p);
}

}  // namespace simpul::security::password_hash
