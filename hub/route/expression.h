#pragma once

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/config/hub_config.h"
#include "hub/error.h"
#include "hub/message.h"
#include "hub/route/step.h"

namespace simpul::hub {

/// A compiled JSONata expression evaluated against a message: the input is the
/// body parsed as JSON; `$headers`, `$attributes`, `$id`, `$route` are bound.
/// Provided by the mapping engine through `expression_provider`; immutable
/// and safe to evaluate from many threads at once.
class message_expression {
 public:
  virtual ~message_expression() = default;
  /// JSONata truthiness of the result (undefined = false).
  virtual std::expected<bool, step_failure> test(const message& msg) const = 0;
  /// The result as an array of JSON texts (a single value = one element;
  /// undefined = none), for `split`.
  virtual std::expected<std::vector<std::string>, step_failure> elements(
      const message& msg) const = 0;
};

/// A loaded mapping file: turns a message body into the mapped body.
class mapping_transform {
 public:
  virtual ~mapping_transform() = default;
  struct output {
    std::string body;
    std::string content_type;
  };
  virtual std::expected<output, step_failure> apply(const message& msg) const = 0;
  virtual const std::string& name() const = 0;
  /// See step::checks_json_body.
  virtual bool checks_json_body(std::string_view /*content_type*/) const { return false; }
};

/// The hub's view of the mapping engine (hub/route/jsonata_provider.cc adapts
/// `mappings/`). Used on the main thread while a config is being built.
class expression_provider {
 public:
  virtual ~expression_provider() = default;
  virtual result<std::shared_ptr<const message_expression>> compile(std::string_view text) const = 0;
  virtual result<std::shared_ptr<const mapping_transform>> load_mapping(
      const config::mapping_ref& ref) const = 0;
};

}  // namespace simpul::hub
