#pragma once

#include <string>
#include <string_view>

#include "mappings/domain/domain_error.h"

namespace simpul::mappings::domain {

struct phone_info {
  std::string e164;  // "+6281220004417"
  std::string kind;  // "MOBILE" (national number starts with 8) or "LANDLINE"
};

/// Indonesian phone number -> E.164 "+62...". Spaces, dashes, dots and
/// brackets are ignored. Error codes: TELEPON_FORMAT (letters, wrong
/// length, not a mobile 8xx or area-code number), TELEPON_BUKAN_INDONESIA
/// (another country code).
/// Mobile: 08xx with 9-12 digits after the 0. Landline: 0 + area code
/// (2-4 digits, first digit 2-7) + subscriber number, 8-11 digits after the 0.
///   "0812-2000-4417"    -> "+6281220004417"  MOBILE
///   "+62 857-0000-3121" -> "+6285700003121"
///   "6281390001122"     -> "+6281390001122"  (country code without '+')
///   "0062 812 2000 4417"-> "+6281220004417"  (international prefix 00)
///   "(024) 8310000"     -> "+62248310000"    LANDLINE (Semarang)
///   "021-5550123"       -> "+62215550123"    LANDLINE (Jakarta)
///   "0812"              -> TELEPON_FORMAT    (too short)
///   "0812-ABC"          -> TELEPON_FORMAT
///   "+65 9123 4567"     -> TELEPON_BUKAN_INDONESIA
domain_result<phone_info> parse_phone(std::string_view text);

/// parse_phone(text)->e164.
domain_result<std::string> normalize_phone(std::string_view text);

}  // namespace simpul::mappings::domain
