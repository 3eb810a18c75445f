#include "security/audit_key.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "security/crypto.h"
#include "security/file_util.h"

namespace simpul::security {
namespace {

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* k) { return {k, EVP_PKEY_free}; }

result<std::shared_ptr<EVP_PKEY>> read_pem(std::string_view pem, bool private_key) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = nullptr;
  if (bio != nullptr)
    k = private_key ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)
                    : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (k == nullptr) return make_error("audit.key", "not a PEM key");
  if (EVP_PKEY_get_base_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    return make_error("audit.key", "not an Ed25519 key");
  }
  return own(k);
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

result<audit_key> audit_key::hmac(std::string secret) {
  if (secret.size() < 32) return make_error("audit.key", "HMAC key must be at least 32 bytes");
  audit_key k;
  k.kind_ = kind::hmac_sha256;
  k.secret_ = std::move(secret);
  return k;
}

result<audit_key> audit_key::ed25519_private_pem(std::string_view pem) {
  auto p = read_pem(pem, true);
  if (!p) return std::unexpected(p.error());
  audit_key k;
  k.kind_ = kind::ed25519;
  k.pkey_ = std::move(*p);
  k.has_private_ = true;
  return k;
}

result<audit_key> audit_key::ed25519_public_pem(std::string_view pem) {
  auto p = read_pem(pem, false);
  if (!p) return std::unexpected(p.error());
  audit_key k;
  k.kind_ = kind::ed25519;
  k.pkey_ = std::move(*p);
  return k;
}

result<audit_key> audit_key::from_file(kind k, const std::string& path, bool private_key) {
  auto text = read_whole_file(path, "audit.key");
  if (!text) return std::unexpected(text.error());
  if (k == kind::hmac_sha256) {
    // Key files are usually written with a trailing newline that is not key.
    std::string secret = std::move(*text);
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    return hmac(std::move(secret));
  }
  return private_key ? ed25519_private_pem(*text) : ed25519_public_pem(*text);
}

result<audit_key::pem_pair> audit_key::generate_ed25519() {
  EVP_PKEY* raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (raw == nullptr) return make_error("audit.key", "keygen: " + crypto::last_openssl_error());
  auto key = own(raw);
  pem_pair out;
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  bool ok = priv && pub &&
            PEM_write_bio_PrivateKey(priv, raw, nullptr, nullptr, 0, nullptr, nullptr) == 1 &&
            PEM_write_bio_PUBKEY(pub, raw) == 1;
  if (ok) {
    out.private_pem = bio_text(priv);
    out.public_pem = bio_text(pub);
  }
  BIO_free(priv);
  BIO_free(pub);
  if (!ok) return make_error("audit.key", "PEM export failed");
  return out;
}

std::string_view audit_key::scheme() const {
  return kind_ == kind::hmac_sha256 ? "hmac-sha256" : "ed25519";
}

result<std::string> audit_key::sign(std::string_view data) const {
  if (kind_ == kind::hmac_sha256) return crypto::to_hex(crypto::hmac_sha256(secret_, data));
  if (!has_private_) return make_error("audit.key", "public key cannot sign");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char sig[64];
  size_t len = sizeof sig;
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, pkey_.get()) == 1 &&
            EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return make_error("audit.sign", crypto::last_openssl_error());
  return crypto::to_hex({sig, len});
}

bool audit_key::verify(std::string_view data, std::string_view hex_sig) const {
  auto sig = crypto::from_hex(hex_sig);
  if (!sig) return false;
  if (kind_ == kind::hmac_sha256) {
    auto mac = crypto::hmac_sha256(secret_, data);
    return crypto::equal_ct(crypto::bytes_view(mac), crypto::as_bytes(*sig));
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey_.get()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(data.data()),
                             data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

}  // namespace simpul::security
