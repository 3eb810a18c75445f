#pragma once

// Function signatures such as "<s-nn?:s>": parsing, and validating (and
// adjusting) an argument list against one, with the reference's errors
// T0410 (argument does not match), T0411 (context does not match) and
// T0412 (array element type).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/jsonata/value.h"

namespace simpul::mappings::jsonata {

struct sig_param {
  std::string types;  // accepted symbols: b n s l a o f j x (and a choice of them)
  std::string sub;    // element types of a<..>, empty when unconstrained
  bool optional = false;
  bool variadic = false;
  bool context = false;
};

struct signature {
  std::vector<sig_param> params;
  std::string text;
  /// No optional, variadic or array parameter: an argument list of exactly
  /// one argument per parameter is then matched position by position.
  bool positional = false;
};

/// Parses the text between `<` and `>`; throws S0401/S0402 on bad input.
std::shared_ptr<const signature> parse_signature(std::string_view text, std::int64_t pos);

/// Validates `args` in place: inserts the context for a `-` parameter,
/// promotes single values to arrays for `a` parameters, checks types.
/// Throws T0410/T0411/T0412 naming `fn_name` at `pos`.
void validate_args(const signature& sig, std::vector<value>& args, const value& context,
                   std::string_view fn_name, std::int64_t pos);

}  // namespace simpul::mappings::jsonata
