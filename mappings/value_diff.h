#pragma once

#include <string>
#include <vector>

#include "mappings/jsonata/value.h"

namespace simpul::mappings {

/// Structural comparison of two JSON values for `simpul test`: numbers by
/// value, objects regardless of key order, arrays element by element.
/// Returns one line per difference, "path: expected X, got Y" with a JSONata
/// style path ("$.alamat.kode", "$.items[2]"); empty when equal. At most
/// `limit` lines.
std::vector<std::string> value_diff(const jsonata::value& expected, const jsonata::value& got,
                                    std::size_t limit = 20);

}  // namespace simpul::mappings
