#pragma once

#include "mappings/jsonata/ast.h"

namespace simpul::mappings::jsonata {

/// Rewrites the raw parse tree into the evaluable tree (paths, stages,
/// parent slots, tail calls). Throws jsonata_exception (S02xx).
node_ptr process_ast(node_ptr raw);

}  // namespace simpul::mappings::jsonata
