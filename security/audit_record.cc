#include "security/audit_record.h"

#include <rapidjson/document.h>

#include <ctime>

#include "security/crypto.h"

namespace simpul::security {
namespace {

constexpr std::size_t max_field = 256;

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (char c : s.substr(0, max_field)) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

void field(std::string& out, std::string_view name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  append_json_string(out, value);
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

std::string_view to_string(audit_event e) {
  switch (e) {
    case audit_event::accepted: return "accepted";
    case audit_event::delivered: return "delivered";
    case audit_event::dead_lettered: return "dead_lettered";
    case audit_event::rejected: return "rejected";
    case audit_event::admin_action: return "admin_action";
  }
  return "unknown";
}

std::string audit_record::body_hash(std::string_view body) { return crypto::sha256_hex(body); }

namespace audit_format {

std::string signed_part(const audit_record& r, std::uint64_t seq, std::string_view prev_hash) {
  std::string out = "{\"seq\":";
  out += std::to_string(seq);
  field(out, "time", iso_time(r.time));
  field(out, "event", to_string(r.event));
  field(out, "route", r.route);
  field(out, "client", r.client);
  field(out, "msg_id", r.message_id);
  field(out, "trace_id", r.trace_id);
  field(out, "body_sha256", r.body_sha256);
  field(out, "mapped_sha256", r.mapped_sha256);
  field(out, "mapping", r.mapping);
  field(out, "mapping_version", r.mapping_version);
  field(out, "outcome", r.outcome);
  if (!r.action.empty()) field(out, "action", r.action);
  field(out, "prev", prev_hash);
  return out;
}

std::optional<split_line> split(std::string_view line) {
  constexpr std::string_view marker = ",\"auth\":\"";
  if (!line.ends_with("\"}")) return std::nullopt;
  std::size_t pos = line.rfind(marker);
  if (pos == std::string_view::npos) return std::nullopt;
  std::string_view value = line.substr(pos + marker.size());
  value.remove_suffix(2);
  std::size_t colon = value.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return split_line{line.substr(0, pos), value.substr(0, colon), value.substr(colon + 1)};
}

std::optional<chain_fields> read_chain_fields(std::string_view line) {
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto seq = doc.FindMember("seq");
  auto prev = doc.FindMember("prev");
  if (seq == doc.MemberEnd() || !seq->value.IsUint64() || prev == doc.MemberEnd() ||
      !prev->value.IsString())
    return std::nullopt;
  return chain_fields{seq->value.GetUint64(),
                      std::string(prev->value.GetString(), prev->value.GetStringLength())};
}

}  // namespace audit_format
}  // namespace simpul::security
