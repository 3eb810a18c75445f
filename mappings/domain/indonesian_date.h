#pragma once

#include <string>
#include <string_view>

#include "mappings/domain/domain_error.h"

namespace simpul::mappings::domain {

/// Indonesian date text -> ISO 8601 date "YYYY-MM-DD". Error code
/// TANGGAL_TIDAK_VALID (unknown form, or a calendar date that does not exist).
///
/// Accepted forms (case-insensitive, surrounding spaces ignored):
///   "17/08/2024", "17-08-2024", "17.08.2024"  -> "2024-08-17"  (always day first)
///   "5/6/2024"                                -> "2024-06-05"  (5 Juni, never 6 May)
///   "17/08/24"                                -> "2024-08-17"  (2-digit year: 00-69 -> 20xx, 70-99 -> 19xx)
///   "2024-08-17"                              -> "2024-08-17"  (ISO passes through)
///   "17 Agustus 2024", "17 Agt 2024", "17 Agt. 2024", "17-Agu-2024" -> "2024-08-17"
///   "Sabtu, 17 Agustus 2024"                  -> "2024-08-17"  (weekday ignored, not checked)
///   "10 Nopember 2024", "1 Pebruari 1990", "1 Djanuari 1950" (old spellings)
///   "08/17/2024" -> error (month 17: US order is not guessed)
///   "31/02/2024" -> error (no such day)
/// Month names: Januari/Jan/Djanuari, Februari/Pebruari/Feb/Peb, Maret/Mar,
/// April/Apr, Mei, Juni/Jun/Djuni, Juli/Jul/Djuli, Agustus/Agu/Agt/Ags/Agus/
/// Agust, September/Sep/Sept, Oktober/Okt, November/Nopember/Nov/Nop,
/// Desember/Des; the English names and abbreviations are accepted too.
domain_result<std::string> parse_indonesian_date(std::string_view text);

/// Date with an optional time and zone -> ISO 8601 date-time.
///   ("17/08/2024 21.47", "WIB")      -> "2024-08-17T21:47:00+07:00"  (time with '.')
///   ("17 Agt 2024 09:00 WIB", "")    -> "2024-08-17T09:00:00+07:00"
///   ("17/08/2024 21:47:05 WITA", "") -> "2024-08-17T21:47:05+08:00"
///   ("17/08/2024 pukul 07.30 WIT","")-> "2024-08-17T07:30:00+09:00"
///   ("2024-08-17T21:47:00+07:00","") -> "2024-08-17T21:47:00+07:00"
///   ("17/08/2024 21.47", "")         -> "2024-08-17T21:47:00"        (no zone known: local time)
///   ("17/08/2024", "WIB")            -> "2024-08-17T00:00:00+07:00"  (no time: midnight)
///   ("17/08/2024 24.00", "WIB")      -> error (hour 0-23, minute and second 0-59)
/// Zones: WIB +07:00, WITA +08:00, WIT +09:00, Z/UTC/GMT +00:00, or a numeric
/// offset "+07", "+0700", "+07:00". A zone in the text wins over
/// `default_zone` (same spellings; "" = none). Unknown default zone ->
/// TANGGAL_ZONA_TIDAK_DIKENAL.
domain_result<std::string> parse_indonesian_datetime(std::string_view text, std::string_view default_zone = "");

/// "+07:00" for "WIB" etc. (see above); empty for an unknown zone.
std::string zone_offset(std::string_view zone);

}  // namespace simpul::mappings::domain
