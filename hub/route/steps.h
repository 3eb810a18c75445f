#pragma once

#include <filesystem>
#include <memory>

#include "hub/error.h"
#include "hub/route/expression.h"
#include "hub/route/step.h"

namespace simpul::hub {

/// `validate: schema.json` — JSON Schema (draft-04+, RapidJSON's validator).
/// Failure: 422 with the failing schema keyword and paths.
result<step_ptr> make_validate_step(const std::filesystem::path& schema_file);

/// `filter: EXPR` — keeps the message when EXPR is true.
step_ptr make_filter_step(std::shared_ptr<const message_expression> condition);

/// `split: EXPR` — one message per element of the array EXPR yields. Each
/// part keeps the id with a `-<index>` suffix so parts stay traceable and
/// de-duplicable.
step_ptr make_split_step(std::shared_ptr<const message_expression> path);

/// `map: NAME` — replaces the body with the mapping's output.
step_ptr make_map_step(std::shared_ptr<const mapping_transform> mapping);

}  // namespace simpul::hub
