#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hub/config/node.h"
#include "hub/config/spec.h"

namespace simpul::connectors {

/// Typed reads of a validated config node where a missing field falls back
/// to the default written in the spec, so each default lives in one place
/// (the spec, which also documents it). The validator normally fills
/// defaults already; this keeps the factory correct when it has not.
class config_reader {
 public:
  config_reader(const config::node& n, const std::vector<config::field_spec>& fields)
      : node_(n), fields_(fields) {}

  std::string string(std::string_view key) const;
  std::int64_t integer(std::string_view key) const;
  bool boolean(std::string_view key) const;
  std::chrono::milliseconds duration(std::string_view key) const;
  std::uint64_t size(std::string_view key) const;
  /// A string list; the spec default is a YAML flow list ("[POST, PUT]").
  std::vector<std::string> strings(std::string_view key) const;
  /// A string_map as ordered pairs (secret values included: never log them).
  std::vector<std::pair<std::string, std::string>> string_map(std::string_view key) const;

 private:
  std::string default_of(std::string_view key) const;

  const config::node& node_;
  const std::vector<config::field_spec>& fields_;
};

}  // namespace simpul::connectors
