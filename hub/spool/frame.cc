#include "hub/spool/frame.h"

#include <cstring>

#include "hub/spool/crc32c.h"

namespace simpul::spool {
namespace {

template <class T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <class T>
void store(char* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

std::string_view magic_bytes() {
  static const char m[4] = {'S', 'P', 'L', '1'};
  return {m, 4};
}

}  // namespace

void append_frame(std::string& out, record_type type, std::uint64_t seq,
                  std::string_view payload, std::uint32_t payload_crc) {
  char h[frame_header_size] = {};
  store<std::uint32_t>(h + 8, static_cast<std::uint32_t>(payload.size()));
  h[12] = static_cast<char>(type);
  store<std::uint64_t>(h + 16, seq);
  store<std::uint32_t>(h, frame_magic);
  store<std::uint32_t>(h + 4, crc32c_extend(payload_crc, h + 8, frame_header_size - 8));
  out.append(h, frame_header_size);
  out.append(payload);
}

void append_frame(std::string& out, record_type type, std::uint64_t seq,
                  std::string_view payload) {
  append_frame(out, type, seq, payload, crc32c(payload));
}

bool parse_frame(std::string_view buf, frame_view& out) {
  if (buf.size() < frame_header_size) return false;
  const char* h = buf.data();
  if (load<std::uint32_t>(h) != frame_magic) return false;
  auto len = load<std::uint32_t>(h + 8);
  if (len > max_frame_payload || len > buf.size() - frame_header_size) return false;
  if (h[13] != 0 || h[14] != 0 || h[15] != 0) return false;
  std::string_view payload = buf.substr(frame_header_size, len);
  auto crc = crc32c_extend(crc32c(payload), h + 8, frame_header_size - 8);
  if (crc != load<std::uint32_t>(h + 4)) return false;
  out.type = static_cast<record_type>(static_cast<std::uint8_t>(h[12]));
  out.seq = load<std::uint64_t>(h + 16);
  out.payload = payload;
  out.offset = 0;
  out.size = frame_header_size + len;
  return true;
}

scan_report scan_frames(std::string_view buf,
                        const std::function<void(const frame_view&)>& fn) {
  scan_report rep;
  std::size_t pos = 0;
  std::size_t bad_from = std::string_view::npos;  // start of the current damaged run
  while (pos < buf.size()) {
    frame_view f;
    if (parse_frame(buf.substr(pos), f)) {
      if (bad_from != std::string_view::npos) {
        ++rep.damaged_regions;
        rep.skipped_bytes += pos - bad_from;
        bad_from = std::string_view::npos;
      }
      f.offset = pos;
      ++rep.records;
      fn(f);
      pos += f.size;
      continue;
    }
    if (bad_from == std::string_view::npos) bad_from = pos;
    auto next = buf.find(magic_bytes(), pos + 1);
    pos = next == std::string_view::npos ? buf.size() : next;
  }
  if (bad_from != std::string_view::npos) {
    rep.torn_tail = true;
    rep.skipped_bytes += buf.size() - bad_from;
  }
  return rep;
}

}  // namespace simpul::spool
