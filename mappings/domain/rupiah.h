#pragma once

#include <string>
#include <string_view>

#include "mappings/domain/domain_error.h"

namespace simpul::mappings::domain {

struct rupiah_options {
  /// Accept "2,5 M" (miliar), "jt"/"juta", "rb"/"ribu", "T"/"triliun". On by
  /// default; a source profile that must not abbreviate turns it off.
  bool allow_abbreviations = true;
};

/// Rupiah text (id-ID: '.' groups thousands, ',' is the decimal mark) ->
/// exact decimal string with at least two decimals. No floating point is
/// involved, so every sen survives. Error code RUPIAH_FORMAT.
///   "1.234.567,89"        -> "1234567.89"
///   "Rp 1.234.567,89"     -> "1234567.89"     ("Rp", "Rp.", "IDR" prefix; "IDR" suffix)
///   "Rp1.234.567"         -> "1234567.00"
///   "96.450.000,-"        -> "96450000.00"    (",-" = no cents)
///   "-"                   -> "0.00"           (nothing realised)
///   "(2.500.000,00)"      -> "-2500000.00"    (brackets = negative, a correction)
///   "-2.500.000,00", "Rp -2.500.000", "-Rp 2.500.000" -> negative
///   "1.234"               -> "1234.00"        ('.' is always grouping)
///   "1234567"             -> "1234567.00"
///   "0,125"               -> "0.125"          (more than two decimals kept)
///   "Rp 2,5 M"            -> "2500000000.00"  (miliar; "1,2 jt" -> "1200000.00")
///   "1,234,567.89"        -> error (English grouping)
///   "12.5"                -> error (a group after '.' must have 3 digits)
domain_result<std::string> parse_rupiah(std::string_view text, const rupiah_options& options = {});

/// Decimal string ("1234567.89", "-5", "0.5") -> "Rp 1.234.567,89" with
/// exactly two decimals (extra decimals are refused: RUPIAH_FORMAT, never
/// rounded silently). "-2500000" -> "-Rp 2.500.000,00".
domain_result<std::string> format_rupiah(std::string_view decimal);

}  // namespace simpul::mappings::domain
