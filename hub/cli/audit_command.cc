#include "hub/cli/audit_command.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "security/audit_key.h"
#include "security/audit_log.h"

namespace simpul::cli {
namespace {

constexpr std::string_view usage =
    "usage: simpul audit verify FILE --key KEYFILE [--anchor SEQ:HASH]\n"
    "       simpul audit keygen PREFIX\n"
    "\n"
    "verify: checks the hash chain and the authentication of every record and\n"
    "        reports the first one altered, removed, reordered or truncated.\n"
    "        KEYFILE: the HMAC secret, or an Ed25519 public key (PEM).\n"
    "        --anchor: the last seq and hash the hub logged (detects records cut\n"
    "        from the end).\n"
    "keygen: writes PREFIX.key (Ed25519 private, for hub.audit.key) and PREFIX.pub.\n";

int fail_usage(std::string_view why) {
  std::fprintf(stderr, "simpul audit: %.*s\n\n%.*s", static_cast<int>(why.size()), why.data(),
               static_cast<int>(usage.size()), usage.data());
  return 2;
}

security::result<security::audit_key> load_key(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return security::make_error("audit.key", "cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  using kind = security::audit_key::kind;
  if (text.find("-----BEGIN PUBLIC KEY-----") != std::string::npos) {
    return security::audit_key::from_file(kind::ed25519, path, false);
  }
  if (text.find("-----BEGIN PRIVATE KEY-----") != std::string::npos) {
    return security::audit_key::from_file(kind::ed25519, path, true);
  }
  return security::audit_key::from_file(kind::hmac_sha256, path, false);
}

int verify(std::span<const std::string_view> args) {
  std::string file, key_file, anchor_text;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto a = args[i];
    if ((a == "--key" || a == "-k") && i + 1 < args.size()) {
      key_file = args[++i];
    } else if (a == "--anchor" && i + 1 < args.size()) {
      anchor_text = args[++i];
    } else if (!a.starts_with("-") && file.empty()) {
      file = a;
    } else {
      return fail_usage("unexpected argument '" + std::string(a) + "'");
    }
  }
  if (file.empty()) return fail_usage("verify needs the audit log FILE");
  if (key_file.empty()) return fail_usage("verify needs --key KEYFILE");
  auto key = load_key(key_file);
  if (!key) {
    std::fprintf(stderr, "simpul audit: %s\n", key.error().message.c_str());
    return 2;
  }
  security::audit_anchor anchor;
  const security::audit_anchor* anchor_ptr = nullptr;
  if (!anchor_text.empty()) {
    auto colon = anchor_text.find(':');
    if (colon == std::string::npos) return fail_usage("--anchor wants SEQ:HASH");
    anchor.seq = std::strtoull(anchor_text.substr(0, colon).c_str(), nullptr, 10);
    anchor.hash = anchor_text.substr(colon + 1);
    anchor_ptr = &anchor;
  }
  auto report = security::verify_audit_log(file, *key, anchor_ptr);
  if (!report) {
    std::fprintf(stderr, "simpul audit: %s\n", report.error().message.c_str());
    return 2;
  }
  if (report->ok()) {
    std::printf("%s: ok (%llu records)\n", file.c_str(),
                static_cast<unsigned long long>(report->records));
    return 0;
  }
  auto kind = security::to_string(report->kind);
  std::printf("%s:%zu: %.*s: %s (%llu records intact before it)\n", file.c_str(), report->line,
              static_cast<int>(kind.size()), kind.data(), report->message.c_str(),
              static_cast<unsigned long long>(report->records));
  return 1;
}

int keygen(std::span<const std::string_view> args) {
  if (args.size() != 1) return fail_usage("keygen needs PREFIX");
  auto pair = security::audit_key::generate_ed25519();
  if (!pair) {
    std::fprintf(stderr, "simpul audit: %s\n", pair.error().message.c_str());
    return 2;
  }
  std::string prefix(args[0]);
  auto write = [](const std::string& path, const std::string& text, mode_t mode) {
    std::FILE* f = std::fopen(path.c_str(), "wx");  // never overwrite a key
    if (!f) return false;
    ::chmod(path.c_str(), mode);
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    return std::fclose(f) == 0 && ok;
  };
  if (!write(prefix + ".key", pair->private_pem, 0600) ||
      !write(prefix + ".pub", pair->public_pem, 0644)) {
    std::fprintf(stderr, "simpul audit: cannot write %s.key/.pub (exists already?)\n",
                 prefix.c_str());
    return 2;
  }
  std::printf("wrote %s.key (private, for hub.audit.key) and %s.pub (for auditors)\n",
              prefix.c_str(), prefix.c_str());
  return 0;
}

}  // namespace

int run_audit_command(std::span<const std::string_view> args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::fwrite(usage.data(), 1, usage.size(), args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "verify") return verify(args.subspan(1));
  if (args[0] == "keygen") return keygen(args.subspan(1));
  return fail_usage("unknown subcommand '" + std::string(args[0]) + "'");
}

}  // namespace simpul::cli
