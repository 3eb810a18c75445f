#pragma once

#include <string>
#include <string_view>

namespace simpul::mappings::domain {

// Masking for logs and log views (UU 27/2022 PDP, STYLE rule 10). The
// shapes follow samples/complaint/national_complaint.log_view.json. Every
// function accepts any input and never returns more than it should: what it
// cannot recognise is masked entirely.

/// Keeps the regency (first 4 digits) and the serial (last 4): the birth
/// date and sex in the middle are hidden.
///   "3374036708929903"     -> "3374********9903"
///   "3374 0305 0388 9906"  -> "3374********9906"  (separators dropped first)
///   "12345"                -> "*****"             (not a NIK: all masked)
std::string mask_nik(std::string_view nik);

/// E.164 form, keeping "+62", the first 3 national digits (operator prefix)
/// and the last 3.
///   "0812-2000-4417"  -> "+62812*****417"
///   "+6285700003121"  -> "+62857*****121"
///   "(024) 8310000"   -> "+62248***000"
///   "not a phone"     -> "***********"  (same length, all masked)
std::string mask_phone(std::string_view phone);

/// First character of the local part, then "***", domain kept.
///   "rina.puspitasari@example.com" -> "r***@example.com"
///   "x@y.id"                       -> "x***@y.id"
///   "no-at-sign"                   -> "***"
std::string mask_email(std::string_view email);

/// Initial of each word followed by "***" (UTF-8 aware).
///   "Rina Puspitasari" -> "R*** P***"
///   "Siti Nur Aisyah"  -> "S*** N*** A***"
///   "  Élodie  "       -> "É***"
std::string mask_name(std::string_view name);

}  // namespace simpul::mappings::domain
