#include "mappings/domain/region_code.h"

#include <array>
#include <span>

namespace simpul::mappings::domain {
namespace {

bool all_digits(std::string_view s) {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

std::unexpected<domain_error> bad(std::string message) {
  return make_domain_error("WILAYAH_FORMAT", std::move(message));
}

constexpr std::array<std::size_t, 4> kSegmentLengths{2, 2, 2, 4};

}  // namespace

domain_result<std::string> normalize_region_code(std::string_view code) {
  while (!code.empty() && (code.front() == ' ' || code.front() == '\t')) code.remove_prefix(1);
  while (!code.empty() && (code.back() == ' ' || code.back() == '\t')) code.remove_suffix(1);
  std::array<std::string_view, kSegmentLengths.size()> segment_buf;  // no allocation
  std::size_t count = 0;
  if (code.find('.') != std::string_view::npos) {
    std::size_t start = 0;
    for (;;) {
      if (count == segment_buf.size()) return bad("more than four segments");
      const auto dot = code.find('.', start);
      segment_buf[count++] = code.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (!all_digits(segment_buf[i]) || segment_buf[i].size() != kSegmentLengths[i]) {
        return bad("segment " + std::to_string(i + 1) + " must have " + std::to_string(kSegmentLengths[i]) +
                   " digits (PP.KK.CC.DDDD)");
      }
    }
  } else {
    if (!all_digits(code)) return bad("expected digits and dots");
    std::size_t pos = 0;
    for (const std::size_t len : kSegmentLengths) {
      if (pos == code.size()) break;
      if (code.size() - pos < len) break;
      segment_buf[count++] = code.substr(pos, len);
      pos += len;
    }
    if (pos != code.size()) {
      return bad("expected 2, 4, 6 or 10 digits, got " + std::to_string(code.size()));
    }
  }
  const std::span<const std::string_view> segments(segment_buf.data(), count);
  if (segments[0][0] == '0' || segments[0] == "10") return bad("province code must be 11-99");
  for (const auto seg : segments) {
    if (seg.find_first_not_of('0') == std::string_view::npos) return bad("a segment is all zeros");
  }
  if (segments.size() == 4 && (segments[3][0] < '1' || segments[3][0] > '3')) {
    return bad("village code must start with 1 (kelurahan), 2 (desa) or 3 (desa adat)");
  }
  std::string out;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('.');
    out.append(segments[i]);
  }
  return out;
}

std::string region_level(std::string_view normalized) {
  switch (normalized.size()) {
    case 2: return "PROVINSI";
    case 5: return normalized[3] >= '7' ? "KOTA" : "KABUPATEN";
    case 8: return "KECAMATAN";
    case 13:
      switch (normalized[9]) {
        case '1': return "KELURAHAN";
        case '2': return "DESA";
        case '3': return "DESA_ADAT";
        default: return {};
      }
    default: return {};
  }
}

}  // namespace simpul::mappings::domain
