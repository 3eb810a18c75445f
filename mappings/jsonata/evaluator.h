#pragma once

// Tree-walking evaluator. One evaluator object is one evaluation: it holds
// the per-evaluation state (depth, deadline, pending tail call, the root
// input) so the compiled tree stays immutable and shareable across threads.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mappings/jsonata/ast.h"
#include "mappings/jsonata/function.h"
#include "mappings/jsonata/value.h"

namespace simpul::mappings::jsonata {

class function_registry;

struct eval_limits {
  int max_depth = 10000;
  std::chrono::milliseconds time_limit{0};  // 0: none
};

class evaluator {
 public:
  evaluator(const function_registry& registry, std::shared_ptr<const void> program,
            const eval_limits& limits);
  evaluator(const evaluator&) = delete;
  evaluator& operator=(const evaluator&) = delete;
  /// Breaks the closure <-> frame reference cycles of this evaluation.
  ~evaluator();

  /// Evaluates a whole expression (sets `$$`, wraps an array input).
  value run(const node* root, value input, frame_ptr env);

  value eval(const node* n, const value& input, const frame_ptr& env);
  /// Calls a function value; `input` is the context for `-` parameters.
  /// `args` may be consumed (moved from) by the call.
  value apply(const value& fn, std::vector<value>&& args, const value& input, std::int64_t pos);

  /// $eval: evaluates another tree in the calling scope.
  value eval_nested(std::shared_ptr<const node> ast, const value& input);
  /// Milliseconds since the epoch, fixed for the whole evaluation ($now).
  std::int64_t now_millis();

  const function_registry& registry() const { return registry_; }
  const std::shared_ptr<const void>& program() const { return program_; }

 private:
  struct tuple {
    value focus;
    std::vector<std::pair<std::string_view, value>> vars;
  };

  value eval_node(const node* n, const value& input, const frame_ptr& env);
  // A path step: counted like eval() but without the node's own stages.
  value eval_bare(const node* n, const value& input, const frame_ptr& env);
  value eval_path(const node* n, const value& input, const frame_ptr& env);
  value eval_step(const node* step, const value& seq, const frame_ptr& env, bool last);
  std::vector<tuple> eval_tuple_step(const node* step, std::vector<tuple> in, const frame_ptr& env);
  value eval_filter(const stage& st, const value& input, const frame_ptr& env);
  void filter_tuples(const stage& st, std::vector<tuple>& tuples, const frame_ptr& env);
  value eval_group(const node* ctor, const value& input, const frame_ptr& env);
  value eval_group_tuples(const node* ctor, const std::vector<tuple>& tuples, const frame_ptr& env);
  value eval_sort(const node* step, const value& seq, const frame_ptr& env);
  void sort_tuples(const node* step, std::vector<tuple>& tuples, const frame_ptr& env);
  value eval_binary(const node* n, const value& input, const frame_ptr& env);
  value eval_call(const node* n, const value& input, const frame_ptr& env, const value* first);
  value eval_apply(const node* n, const value& input, const frame_ptr& env);
  value eval_array(const node* n, const value& input, const frame_ptr& env);
  value make_function(const node* n, fn_kind kind, const value& input, const frame_ptr& env);
  value apply_lambda(value fn, std::vector<value> args, std::int64_t pos);
  value apply_transform(const function_rep& fn, const value& arg);
  std::string_view keep_name(const value& name);
  frame_ptr tuple_frame(const frame_ptr& env, const tuple& t);
  // Runs for every node: the counters inline, the failures out of line.
  void check_limits() {
    if (limits_.max_depth > 0 && depth_ > limits_.max_depth) depth_exceeded();
    if (limits_.time_limit.count() > 0 && (++ticks_ & 255) == 0) check_deadline();
  }
  [[noreturn]] void depth_exceeded();
  void check_deadline();

  const function_registry& registry_;
  std::shared_ptr<const void> program_;
  eval_limits limits_;
  std::chrono::steady_clock::time_point deadline_;
  int depth_ = 0;
  std::uint32_t ticks_ = 0;
  value root_;
  const frame_ptr* call_env_ = nullptr;  // scope of the built-in being called
  std::int64_t now_ = -1;
  std::vector<std::unique_ptr<std::string>> names_;
  // Frames captured by lambdas: a lambda bound in its own frame is a cycle,
  // cleared when the evaluation ends unless the result holds a function.
  std::vector<frame_ptr> captured_;
  bool keep_closures_ = false;  // tuple variable names from tuple streams
  // A call in tail position hands its callee back here instead of recursing.
  bool tail_pending_ = false;
  value tail_fn_;
  std::vector<value> tail_args_;
};

/// JSONata truthiness ($boolean without the undefined case).
bool truthy(const value& v);
/// $string conversion (numbers to 15 significant digits; JSON for structures).
std::string to_jsonata_string(const value& v, bool pretty = false);
/// Wraps a value into a one-item array unless it is an array already.
value as_array(const value& v);

}  // namespace simpul::mappings::jsonata
