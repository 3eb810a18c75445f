#include "mappings/jsonata/jsonata.h"

#include <new>

#include "mappings/jsonata/evaluator.h"
#include "mappings/jsonata/function.h"
#include "mappings/jsonata/parser.h"

namespace simpul::mappings::jsonata {
namespace {

bool names_variable(const node* n, std::string_view name) {
  if (!n) return false;
  if (n->type == node_type::variable && (n->str == name || n->str == "eval")) return true;
  if (names_variable(n->lhs.get(), name) || names_variable(n->rhs.get(), name) ||
      names_variable(n->third.get(), name) || names_variable(n->group.get(), name))
    return true;
  for (const auto& item : n->items)
    if (names_variable(item.get(), name)) return true;
  for (const auto& [k, v] : n->pairs)
    if (names_variable(k.get(), name) || names_variable(v.get(), name)) return true;
  for (const auto& s : n->stages)
    if (names_variable(s.expr.get(), name)) return true;
  for (const auto& t : n->sort_terms)
    if (names_variable(t.expr.get(), name)) return true;
  return false;
}

}  // namespace

std::expected<expression, jsonata_error> compile(std::string_view text) {
  try {
    expression e;
    e.root_ = std::shared_ptr<const node>(parse_expression(text).release());
    return e;
  } catch (const jsonata_exception& ex) {
    return std::unexpected(ex.error);
  }
}

bool expression::may_read(std::string_view name) const { return names_variable(root_.get(), name); }

std::expected<value, jsonata_error> expression::evaluate(const value& input, const bindings& vars,
                                                         const evaluate_options& options) const {
  const function_registry& fns = options.functions ? *options.functions : function_registry::builtins();
  eval_limits limits;
  limits.max_depth = options.max_depth;
  limits.time_limit = options.time_limit;
  // The root frame of the last evaluation on this thread, reused when
  // nothing (no closure in a result) kept a reference to it.
  thread_local frame_ptr spare_root;
  try {
    frame_ptr env = spare_root && spare_root.use_count() == 1 ? std::move(spare_root) : std::make_shared<frame>(nullptr);
    for (const auto& [name, v] : vars) env->bind(name, v);
    value r;
    {
      evaluator ev(fns, root_, limits);
      r = ev.run(root_.get(), input, env);
    }
    if (env.use_count() == 1) {
      env->vars.clear();
      spare_root = std::move(env);
    }
    return r;
  } catch (const jsonata_exception& ex) {
    return std::unexpected(ex.error);
  } catch (const std::bad_alloc&) {
    jsonata_error e;
    e.code = "D1001";
    e.message = "Out of memory";
    return std::unexpected(e);
  }
}

}  // namespace simpul::mappings::jsonata
