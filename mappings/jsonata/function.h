#pragma once

// Function values (lambdas, built-ins, host functions, partial applications,
// regexes, transforms, compositions) and the variable frames closures keep.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mappings/jsonata/ast.h"
#include "mappings/jsonata/value.h"

namespace simpul::mappings::jsonata {

class evaluator;
struct regex_program;

/// A scope of variables. Frames are created per block, lambda call and
/// tuple; a closure keeps its defining frame alive.
struct frame {
  explicit frame(std::shared_ptr<frame> p) : parent(std::move(p)) {}
  std::shared_ptr<frame> parent;
  std::vector<std::pair<value, value>> vars;

  void bind(std::string_view name, value v) {
    for (auto& [k, old] : vars) {
      if (k.as_string() == name) {
        old = std::move(v);
        return;
      }
    }
    vars.emplace_back(value::string(name), std::move(v));
  }
  const value* lookup(std::string_view name) const {
    for (const frame* f = this; f; f = f->parent.get())
      for (const auto& [k, v] : f->vars)
        if (k.as_string() == name) return &v;
    return nullptr;
  }
};
using frame_ptr = std::shared_ptr<frame>;

/// Result of a host function: a value, or an error message (raised as D3137-style).
struct host_error {
  std::string code;
  std::string message;
};

using native_impl = value (*)(evaluator& ev, std::vector<value>& args, const value& input,
                              std::int64_t pos);
using host_impl = std::function<value(std::span<const value> args, host_error& err)>;

struct builtin_def {
  std::string name;
  std::shared_ptr<const signature> sig;
  native_impl impl = nullptr;
  host_impl host;
};

enum class fn_kind : std::uint8_t { lambda, builtin, partial, regex, transform, compose };

struct function_rep : heap_header {
  fn_kind kind = fn_kind::lambda;
  const node* def = nullptr;            // lambda or transform node
  std::shared_ptr<const void> program;  // keeps `def` alive
  frame_ptr env;
  value input;  // context captured by a lambda
  const builtin_def* builtin = nullptr;
  std::vector<value> args;  // partial application: bound arguments
  std::vector<bool> holes;  // partial application: which are placeholders
  value target, second;     // partial target; composition f then g
  std::shared_ptr<const regex_program> re;
};

inline const function_rep& value::fn() const { return *static_cast<const function_rep*>(ptr()); }

/// Number of parameters a function value takes (for higher-order calls).
std::size_t function_arity(const value& fn);

}  // namespace simpul::mappings::jsonata
