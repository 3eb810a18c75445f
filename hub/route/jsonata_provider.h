#pragma once

#include "hub/route/expression.h"

namespace simpul::hub {

/// Adapts the JSONata engine (`mappings/jsonata`) and mapping files
/// (`mappings/mapping_file`) to the hub's `expression_provider`.
/// Expressions see the message body parsed as JSON (or the body text when it
/// is not JSON) as `$`, and `$headers`, `$attributes`, `$id`, `$route` as
/// bindings. Stateless and thread-safe.
class jsonata_provider final : public expression_provider {
 public:
  result<std::shared_ptr<const message_expression>> compile(std::string_view text) const override;
  result<std::shared_ptr<const mapping_transform>> load_mapping(
      const config::mapping_ref& ref) const override;
};

}  // namespace simpul::hub
