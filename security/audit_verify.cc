// verify_audit_log: the offline checker behind `simpul audit verify`.
#include <vector>

#include "security/audit_log.h"
#include "security/crypto.h"
#include "security/file_util.h"

namespace simpul::security {
namespace {

struct line_info {
  std::string text;
  bool terminated = true;  // ended with '\n'
};

// Cheap look at "seq" without checking anything, for the reorder/removal
// diagnosis: records start with {"seq":N.
std::optional<std::uint64_t> peek_seq(std::string_view line) {
  constexpr std::string_view head = "{\"seq\":";
  if (!line.starts_with(head)) return std::nullopt;
  std::uint64_t v = 0;
  std::size_t i = head.size();
  if (i >= line.size() || line[i] < '0' || line[i] > '9') return std::nullopt;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9' && v < (1ULL << 60); ++i)
    v = v * 10 + static_cast<std::uint64_t>(line[i] - '0');
  return v;
}

audit_report finding(audit_report::problem kind, std::uint64_t records, std::size_t line,
                     std::string msg) {
  return audit_report{kind, records, line, "line " + std::to_string(line) + ": " + msg};
}

}  // namespace

std::string_view to_string(audit_report::problem p) {
  switch (p) {
    case audit_report::problem::none: return "ok";
    case audit_report::problem::altered: return "altered";
    case audit_report::problem::removed: return "removed";
    case audit_report::problem::reordered: return "reordered";
    case audit_report::problem::truncated: return "truncated";
  }
  return "unknown";
}

result<audit_report> verify_audit_log(const std::string& path, const audit_key& key,
                                      const audit_anchor* anchor) {
  auto file = read_whole_file(path, "audit.io");
  if (!file) return std::unexpected(file.error());
  const std::string& data = *file;

  std::vector<line_info> lines;
  for (std::size_t pos = 0; pos < data.size();) {
    std::size_t nl = data.find('\n', pos);
    if (nl == std::string::npos) {
      lines.push_back({data.substr(pos), false});
      break;
    }
    lines.push_back({data.substr(pos, nl - pos), true});
    pos = nl + 1;
  }

  using problem = audit_report::problem;
  std::uint64_t expected_seq = 1;
  std::string prev_hash(audit_format::genesis_prev);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::size_t no = i + 1;
    const std::string& text = lines[i].text;
    const std::uint64_t done = expected_seq - 1;
    if (!lines[i].terminated)
      return finding(problem::truncated, done, no, "record is cut short (file truncated)");
    auto parts = audit_format::split(text);
    auto chain = audit_format::read_chain_fields(text);
    if (!parts || !chain)
      return finding(problem::altered, done, no, "record is not a well-formed audit record");
    if (parts->scheme != key.scheme())
      return finding(problem::altered, done, no,
                     "record is authenticated with '" + std::string(parts->scheme) +
                         "', expected '" + std::string(key.scheme()) + "'");
    if (!key.verify(parts->signed_part, parts->signature))
      return finding(problem::altered, done, no, "authentication failed: record was modified");
    if (chain->seq > expected_seq) {
      bool later = false;
      for (std::size_t j = i + 1; j < lines.size() && !later; ++j)
        later = peek_seq(lines[j].text) == expected_seq;
      if (later)
        return finding(problem::reordered, done, no,
                       "record " + std::to_string(chain->seq) + " appears before record " +
                           std::to_string(expected_seq));
      return finding(problem::removed, done, no,
                     "record(s) " + std::to_string(expected_seq) +
                         (chain->seq - 1 > expected_seq ? ".." + std::to_string(chain->seq - 1)
                                                        : std::string()) +
                         " removed before this line");
    }
    if (chain->seq < expected_seq)
      return finding(problem::reordered, done, no,
                     "record " + std::to_string(chain->seq) + " appears after record " +
                         std::to_string(expected_seq - 1) + " (reordered or duplicated)");
    if (chain->prev != prev_hash)
      return finding(problem::altered, done, no,
                     "hash chain broken: previous record is not the one this record follows");
    prev_hash = crypto::sha256_hex(text);
    ++expected_seq;
  }

  const std::uint64_t total = expected_seq - 1;
  if (anchor != nullptr && anchor->seq > 0) {
    if (total < anchor->seq)
      return finding(problem::truncated, total, lines.size() + 1,
                     "records " + std::to_string(total + 1) + ".." + std::to_string(anchor->seq) +
                         " missing at the end (file truncated)");
    if (total >= anchor->seq) {
      // The anchored record must still be the one that was exported.
      const std::string& text = lines[anchor->seq - 1].text;
      if (crypto::sha256_hex(text) != anchor->hash)
        return finding(problem::altered, anchor->seq - 1, anchor->seq,
                       "record does not match the exported anchor");
    }
  }
  audit_report ok;
  ok.records = total;
  ok.message = std::to_string(total) + " records verified";
  return ok;
}

}  // namespace simpul::security
