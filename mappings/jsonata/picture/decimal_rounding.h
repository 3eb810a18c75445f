#pragma once

// Decimal rounding for $formatNumber, matching JSONata's $round semantics.

#include <string>

namespace simpul::mappings::jsonata::picture::detail {

/// Integer and fraction digits of `v` (>= 0) rounded half-to-even to
/// `places` fraction digits (`fraction` has exactly `places` digits; leading
/// zeros of `integer` are kept). Rounding works on the shortest decimal form
/// of the double, so 34.555 rounds to 34.56 as written, not as stored.
void round_decimal(double v, int places, std::string& integer, std::string& fraction);

}  // namespace simpul::mappings::jsonata::picture::detail
