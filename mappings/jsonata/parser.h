#pragma once

// Pratt parser: expression text -> AST, then the post-processing pass that
// turns `.` chains into paths with steps, attaches predicates, grouping,
// sorting, `@`/`#` bindings, resolves `%` to the step it refers to and marks
// calls in tail position for tail-call elimination.

#include <string_view>

#include "mappings/jsonata/ast.h"

namespace simpul::mappings::jsonata {

/// Parses and post-processes; throws jsonata_exception on a syntax error.
node_ptr parse_expression(std::string_view text);

}  // namespace simpul::mappings::jsonata
