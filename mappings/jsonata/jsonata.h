#pragma once

// Public API of the JSONata engine.
//
// Lifecycle: compile() an expression once; the resulting `expression` is an
// immutable, cheaply copyable handle (shared tree). evaluate() may be called
// any number of times, concurrently from any number of threads: all
// per-evaluation state lives in a context object on the caller's stack.
// Values (`value`) are immutable and reference counted; results may be kept
// and read from other threads.
//
// Host functions: fill a `function_registry` before evaluations start
// (registry.add("lookup", "<ss:s>", fn)) and pass it in evaluate_options;
// the registry must outlive the evaluations that use it and must not change
// while they run.

#include <chrono>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mappings/jsonata/error.h"
#include "mappings/jsonata/registry.h"
#include "mappings/jsonata/value.h"

namespace simpul::mappings::jsonata {

struct node;

struct evaluate_options {
  /// Maximum nesting of evaluation (one level per expression node being
  /// evaluated); beyond it the evaluation fails with U1001.
  int max_depth = 5000;
  /// Wall-clock limit; 0 means none. Exceeding it fails with U1001.
  std::chrono::milliseconds time_limit{0};
  /// Host functions layered over the built-ins; nullptr for built-ins only.
  const function_registry* functions = nullptr;
};

/// Variable bindings for one evaluation: name (without `$`) -> value.
using bindings = std::vector<std::pair<std::string, value>>;

class expression {
 public:
  /// Evaluates against `input` (an undefined value means "no input").
  /// An undefined result (no value) is returned as an undefined value.
  std::expected<value, jsonata_error> evaluate(const value& input, const bindings& vars = {},
                                               const evaluate_options& options = {}) const;

  /// True when the expression may read the variable `$name` of its bindings:
  /// it names it somewhere, or it calls `$eval` (whose text can name
  /// anything). Lets a caller skip building bindings nothing reads.
  bool may_read(std::string_view name) const;

 private:
  friend std::expected<expression, jsonata_error> compile(std::string_view text);
  std::shared_ptr<const node> root_;
};

/// Parses an expression; syntax errors come back as S0xxx errors with position.
std::expected<expression, jsonata_error> compile(std::string_view text);

}  // namespace simpul::mappings::jsonata
