#include "hub/spool/message_codec.h"

#include <chrono>

#include "hub/spool/bytes.h"

namespace simpul::spool {
namespace {

constexpr std::uint8_t codec_version = 1;

void put_pairs(byte_writer& w, const std::vector<std::pair<std::string, std::string>>& v) {
  w.u32(static_cast<std::uint32_t>(v.size()));
  for (const auto& [k, val] : v) {
    w.str(k);
    w.str(val);
  }
}

bool get_pairs(byte_reader& r, std::vector<std::pair<std::string, std::string>>& v) {
  std::uint32_t n = 0;
  if (!r.u32(n) || n > r.remaining() / 8) return false;  // each pair needs >= 8 bytes
  v.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string k, val;
    if (!r.str(k) || !r.str(val)) return false;
    v.emplace_back(std::move(k), std::move(val));
  }
  return true;
}

std::size_t pairs_size(const std::vector<std::pair<std::string, std::string>>& v) {
  std::size_t n = 4;
  for (const auto& [k, val] : v) n += 8 + k.size() + val.size();
  return n;
}

}  // namespace

std::size_t encoded_size(const message& m) {
  // version, 7 length-prefixed strings, received_at, attempt, two pair lists
  return 1 + 7 * 4 + m.id.size() + m.key.size() + m.body.size() + m.content_type.size() +
         m.source.size() + m.route.size() + m.trace_id.size() + 8 + 4 +
         pairs_size(m.headers.entries()) + pairs_size(m.attributes);
}

void encode_message(std::string& out, const message& m) {
  out.reserve(out.size() + encoded_size(m));
  byte_writer w(out);
  w.u8(codec_version);
  w.str(m.id);
  w.str(m.key);
  put_pairs(w, m.headers.entries());
  w.str(m.body);
  w.str(m.content_type);
  w.str(m.source);
  w.str(m.route);
  w.i64(std::chrono::duration_cast<std::chrono::nanoseconds>(m.received_at.time_since_epoch())
            .count());
  w.str(m.trace_id);
  w.u32(m.attempt);
  put_pairs(w, m.attributes);
}

result<message> decode_message(std::string_view in, std::size_t* consumed) {
  byte_reader r(in);
  message m;
  std::uint8_t version = 0;
  std::vector<std::pair<std::string, std::string>> hdrs;
  std::int64_t received_ns = 0;
  bool ok = r.u8(version) && version == codec_version && r.str(m.id) && r.str(m.key) &&
            get_pairs(r, hdrs) && r.str(m.body) && r.str(m.content_type) && r.str(m.source) &&
            r.str(m.route) && r.i64(received_ns) && r.str(m.trace_id) && r.u32(m.attempt) &&
            get_pairs(r, m.attributes);
  if (!ok) return make_error("spool.corrupt", "stored message does not decode");
  if (consumed) *consumed = in.size() - r.remaining();
  for (auto& [k, v] : hdrs) m.headers.add(std::move(k), std::move(v));
  m.received_at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(received_ns)));
  return m;
}

}  // namespace simpul::spool
