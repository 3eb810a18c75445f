#pragma once

#include <span>
#include <string_view>

namespace simpul::cli {

/// `simpul audit verify FILE --key KEYFILE [--anchor SEQ:HASH]` checks an
/// audit log's hash chain and authentication and prints the first record
/// that was altered, removed, reordered or truncated. KEYFILE holds the HMAC
/// secret (trailing newline ignored) or an Ed25519 public (or private) PEM
/// key. Exit codes: 0 intact, 1 a problem found, 2 usage or I/O error.
///
/// `simpul audit keygen PREFIX` writes a fresh Ed25519 pair: PREFIX.key
/// (private, mode 0600, for `hub.audit.key`) and PREFIX.pub (for auditors).
int run_audit_command(std::span<const std::string_view> args);

}  // namespace simpul::cli
