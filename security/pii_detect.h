#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Hand-written detectors and maskers for Indonesian personal data, shared by
// the JSON and free-text maskers. No regex: each detector is a linear scan.
// Stateless and thread-safe. The rules are documented in security/README.md.
namespace simpul::security::pii {

enum class kind { nik, phone, email };

struct span {
  std::size_t begin;
  std::size_t end;
  kind what;
};

/// 16 digits shaped like a NIK or a No. KK: a real province code, non-zero
/// regency and district codes, a day 01-31 (NIK: or 41-71 for women), a
/// month 01-12, and a serial other than 0000.
bool nik_plausible(std::string_view digits16);

/// "3204011201900001" -> "320401**********" (region kept).
std::string mask_nik(std::string_view digits);
/// "budi.santoso@example.go.id" -> "b***@example.go.id".
std::string mask_email(std::string_view email);
/// Keeps the country/trunk prefix (+62 / 62 / 0), the 3-digit operator
/// code and the last 3 digits; separators stay where they were:
/// "0812-3456-7890" -> "0812-****-*890".
std::string mask_phone(std::string_view phone);
/// First character of each word, the rest '*' (UTF-8 aware):
/// "Budi Santoso" -> "B*** S******".
std::string mask_words(std::string_view text);

/// Detector switches for `find`.
struct detectors {
  bool nik = true;  ///< NIK and No. KK (same shape)
  bool phone = true;
  bool email = true;
};

/// Non-overlapping spans of personal data in `text`, in order.
std::vector<span> find(std::string_view text, detectors d);

/// Applies the maskers to the spans `find` returns; the text is returned
/// unchanged (one copy) when nothing is found.
std::string mask_text(std::string_view text, detectors d);

/// Whole-value classification, for values already known to be personal.
std::string mask_value(std::string_view value);

}  // namespace simpul::security::pii
