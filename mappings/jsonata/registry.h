#pragma once

// Function registry: the JSONata built-ins plus host functions. A registry
// is filled once, before evaluations start, and only read afterwards, so
// concurrent evaluations may share it. The built-in table is a process-wide
// immutable singleton; a host registry layers its functions over it.

#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mappings/jsonata/error.h"
#include "mappings/jsonata/function.h"

namespace simpul::mappings::jsonata {

class function_registry {
 public:
  function_registry();  // a host registry over the built-ins
  function_registry(const function_registry&) = delete;
  function_registry& operator=(const function_registry&) = delete;

  /// The built-ins alone.
  static const function_registry& builtins();

  /// Adds a host function `$name` with a JSONata signature such as "<s-:s>".
  /// The callback gets validated arguments; to fail, it sets `err` (code
  /// defaults to "D3137") and returns anything. Replaces a same-named entry.
  /// Returns an error when the signature does not parse.
  std::expected<void, jsonata_error> add(std::string name, std::string_view signature_text,
                                          host_impl fn);

  /// The function value for `$name`, or nullptr.
  const value* find(std::string_view name) const;

  /// Internal: registers a built-in implementation.
  void add_native(std::string name, std::string_view signature_text, native_impl impl);

 private:
  struct builtin_tag {};
  explicit function_registry(builtin_tag);

  const function_registry* parent_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<builtin_def>> defs_;
  std::unordered_map<std::string_view, value> values_;
};

/// Registers every built-in function (functions_*.cc).
void register_string_functions(function_registry& r);
void register_encoding_functions(function_registry& r);
void register_numeric_functions(function_registry& r);
void register_collection_functions(function_registry& r);
void register_hof_functions(function_registry& r);
void register_datetime_functions(function_registry& r);

}  // namespace simpul::mappings::jsonata
