#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "security/error.h"

namespace simpul::security {

enum class audit_event { accepted, delivered, dead_lettered, rejected, admin_action };

std::string_view to_string(audit_event e);

/// One audit record. Holds identifiers and hashes only — never a payload or
/// personal data in clear: bodies are represented by their SHA-256 (use
/// `body_hash`), `action` is a short admin verb ("dlq.replay"). Each text
/// field is cut to 256 bytes.
struct audit_record {
  std::chrono::system_clock::time_point time{};  ///< epoch: "now" at append
  audit_event event = audit_event::accepted;
  std::string route;
  std::string client;  ///< authenticated identity name
  std::string message_id;
  std::string trace_id;
  std::string body_sha256;    ///< hex SHA-256 of the original body
  std::string mapped_sha256;  ///< hex SHA-256 of the mapped body
  std::string mapping;
  std::string mapping_version;
  std::string outcome;  ///< "ok", "retry", "permanent_failure", "401", ...
  std::string action;   ///< admin_action only

  static std::string body_hash(std::string_view body);
};

/// The on-disk line format, shared by the writer and the verifier.
/// A line is `<signed part>,"auth":"<scheme>:<hex>"}` where the signed part
/// is the JSON object so far, ending with `"prev":"<hex sha256 of the
/// previous line>"`. See security/README.md.
namespace audit_format {

inline constexpr std::string_view genesis_prev =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// The signed part (without the auth member and closing brace).
std::string signed_part(const audit_record& r, std::uint64_t seq, std::string_view prev_hash);

struct split_line {
  std::string_view signed_part;
  std::string_view scheme;
  std::string_view signature;  ///< hex
};
/// nullopt when the line does not end with a well-formed auth member.
std::optional<split_line> split(std::string_view line);

struct chain_fields {
  std::uint64_t seq = 0;
  std::string prev;
};
/// Parses the whole line as JSON and reads seq and prev.
std::optional<chain_fields> read_chain_fields(std::string_view line);

}  // namespace audit_format
}  // namespace simpul::security
