#include "mappings/domain/budget_code.h"

#include <array>
#include <cstddef>
#include <span>

namespace simpul::mappings::domain {
namespace {

constexpr std::array<std::size_t, 6> kRekeningWidths{1, 1, 2, 2, 2, 4};
// Segments of a sub kegiatan code; the level prefixes skip segment 4 (the
// first half of the kegiatan number).
constexpr std::array<std::size_t, 6> kSubKegiatanWidths{1, 2, 2, 1, 2, 4};
constexpr std::array<std::size_t, 5> kSubKegiatanLevelEnds{1, 2, 3, 5, 6};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Normalises `segments` against `widths`; the joined code, or why not.
domain_result<std::string> normalise(std::span<const std::string_view> segments,
                                     std::span<const std::size_t> widths, const char* error_code,
                                     const char* what) {
  auto fail = [&](std::string why) { return make_domain_error(error_code, std::string(what) + ": " + why); };
  if (segments.size() != widths.size()) {
    return fail("expected " + std::to_string(widths.size()) + " segments, got " + std::to_string(segments.size()));
  }
  std::string out;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    auto seg = segments[i];
    const auto n = std::to_string(i + 1);
    if (!all_digits(seg)) return fail("segment " + n + " is not a number");
    if (seg.size() < widths[i]) {
      return fail("segment " + n + " has " + std::to_string(seg.size()) + " digits, not " +
                  std::to_string(widths[i]) + " (unpadded codes are ambiguous)");
    }
    const auto extra = seg.size() - widths[i];
    if (seg.substr(0, extra).find_first_not_of('0') != std::string_view::npos) {
      return fail("segment " + n + " does not fit " + std::to_string(widths[i]) + " digits");
    }
    seg.remove_prefix(extra);
    if (i > 0) out.push_back('.');
    out.append(seg);
  }
  return out;
}

budget_code with_levels(std::string code, std::span<const std::size_t> level_ends) {
  budget_code c;
  const auto segments = split_dots(code);
  for (const auto end : level_ends) {
    std::string prefix;
    for (std::size_t i = 0; i < end; ++i) {
      if (i > 0) prefix.push_back('.');
      prefix.append(segments[i]);
    }
    c.levels.push_back(std::move(prefix));
  }
  c.code = std::move(code);
  return c;
}

constexpr std::array<std::size_t, 6> kRekeningLevelEnds{1, 2, 3, 4, 5, 6};

domain_result<budget_code> rekening_from(std::span<const std::string_view> segments) {
  auto code = normalise(segments, kRekeningWidths, "KODE_REKENING_FORMAT", "kode rekening");
  if (!code) return std::unexpected(code.error());
  return with_levels(std::move(*code), kRekeningLevelEnds);
}

domain_result<budget_code> sub_kegiatan_from(std::span<const std::string_view> segments) {
  auto code = normalise(segments, kSubKegiatanWidths, "KODE_SUB_KEGIATAN_FORMAT", "kode sub kegiatan");
  if (!code) return std::unexpected(code.error());
  return with_levels(std::move(*code), kSubKegiatanLevelEnds);
}

}  // namespace

domain_result<budget_code> parse_kode_rekening(std::string_view text) {
  const auto segments = split_dots(trim(text));
  return rekening_from(segments);
}

domain_result<budget_code> parse_kode_sub_kegiatan(std::string_view text) {
  const auto segments = split_dots(trim(text));
  return sub_kegiatan_from(segments);
}

domain_result<account_code> parse_account_code(std::string_view text) {
  const auto segments = split_dots(trim(text));
  const std::span<const std::string_view> all(segments);
  account_code out;
  if (segments.size() == kSubKegiatanWidths.size() + kRekeningWidths.size()) {
    auto sub = sub_kegiatan_from(all.first(kSubKegiatanWidths.size()));
    if (!sub) return std::unexpected(sub.error());
    out.sub_kegiatan = std::move(*sub);
    auto rek = rekening_from(all.subspan(kSubKegiatanWidths.size()));
    if (!rek) return std::unexpected(rek.error());
    out.rekening = std::move(*rek);
    return out;
  }
  if (segments.size() != kRekeningWidths.size()) {
    return make_domain_error("KODE_REKENING_FORMAT",
                             "kode rekening: expected 6 segments, or 12 (sub kegiatan + rekening), got " +
                                 std::to_string(segments.size()));
  }
  auto rek = rekening_from(all);
  if (!rek) return std::unexpected(rek.error());
  out.rekening = std::move(*rek);
  return out;
}

}  // namespace simpul::mappings::domain
