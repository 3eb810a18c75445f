// Path evaluation: steps, predicates, tuple streams (@, #, %), grouping and
// sorting. Part of class evaluator.

#include <algorithm>
#include <cmath>

#include "mappings/jsonata/error.h"
#include "mappings/jsonata/evaluator.h"
#include "mappings/jsonata/json.h"

namespace simpul::mappings::jsonata {

std::string_view evaluator::keep_name(const value& name) {
  for (const auto& n : names_)
    if (*n == name.as_string()) return *n;
  names_.push_back(std::make_unique<std::string>(name.as_string()));
  return *names_.back();
}

frame_ptr evaluator::tuple_frame(const frame_ptr& env, const tuple& t) {
  auto f = std::make_shared<frame>(env);
  f->vars.reserve(t.vars.size());
  for (const auto& [k, v] : t.vars) f->vars.emplace_back(value::string(k), v);
  return f;
}

namespace {

// A step whose value comes from evaluating it, not from a field name (and
// which eval_step evaluates once per input item with nothing around it).
bool is_expression_step(const node& s) {
  return s.type != node_type::name && s.type != node_type::sort && !s.consarray && s.stages.empty();
}

// Adds one input item's result of a step to the step's output: an array is
// flattened one level unless an array constructor built it.
void push_step_result(value& out, const value& r) {
  if (!r.is_array() || (r.flags() & af_cons)) {
    out.push(r);
  } else {
    for (const auto& x : r.arr().items) out.push(x);
  }
}

}  // namespace

value evaluator::eval_bare(const node* n, const value& input, const frame_ptr& env) {
  ++depth_;
  check_limits();
  value r = eval_node(n, input, env);
  if (r.is_sequence()) {
    if (n->keep_array) {
      r = own_array(std::move(r));
      r.arr_mut().flags |= af_keep_singleton;
    }
    if (r.size() == 0) {
      r = value();
    } else if (r.size() == 1 && !(r.flags() & af_keep_singleton)) {
      value first = r[0];
      r = std::move(first);
    }
  }
  --depth_;
  return r;
}

value evaluator::eval_path(const node* n, const value& input, const frame_ptr& env) {
  const auto& steps = n->items;
  // Fast path: plain field names walked down single objects, no allocation.
  if (input.is_object() && !n->tuple_path && !n->group && !n->keep_singleton_array && !n->tuple) {
    const value* cur = &input;
    std::size_t i = 0;
    // A first step that is an expression (`$f(x).name`) over the one input
    // item: its value is where the walk starts.
    value head;
    if (steps.size() > 1 && is_expression_step(*steps[0])) {
      head = eval_bare(steps[0].get(), input, env);
      if (head.is_undefined()) return head;
      cur = &head;
      i = 1;
    }
    for (; i < steps.size(); ++i) {
      const node* s = steps[i].get();
      if (s->type != node_type::name || !s->stages.empty() || s->keep_array || !cur->is_object()) break;
      const value* v = cur->get(s->str);
      if (!v) return {};
      if (i + 1 == steps.size()) {
        if (limits_.max_depth > 0 && depth_ + 1 > limits_.max_depth) raise("U1001");
        return *v;
      }
      if (v->is_array()) break;
      cur = v;
    }
    if (i > 0) {
      // continue the general algorithm from step i over the single item reached
      value seq = value::new_sequence(1);
      push_step_result(seq, *cur);
      if (seq.size() == 0) return seq;
      value result;
      for (; i < steps.size(); ++i) {
        result = eval_step(steps[i].get(), seq, env, i + 1 == steps.size());
        if (result.is_undefined() || (result.is_array() && result.size() == 0)) return result;
        seq = result;
      }
      return result;
    }
  }
  value seq;
  if (input.is_array() && steps[0]->type != node_type::variable) {
    seq = input;
  } else {
    seq = value::new_sequence(1);
    seq.push(input);
  }
  value result;
  std::vector<tuple> tuples;
  bool tuple_mode = false;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const node* step = steps[i].get();
    if (!tuple_mode && step->tuple) {
      tuple_mode = true;
      for (const auto& item : seq.arr().items) tuples.push_back({item, {}});
    }
    if (tuple_mode) {
      tuples = eval_tuple_step(step, std::move(tuples), env);
      if (tuples.empty()) break;
      continue;
    }
    if (i == 0 && step->consarray)
      result = eval(step, seq, env);
    else
      result = eval_step(step, seq, env, i + 1 == steps.size());
    if (result.is_undefined() || (result.is_array() && result.size() == 0)) break;
    seq = result;
  }
  if (tuple_mode) {
    if (n->group) return eval_group_tuples(n->group.get(), tuples, env);
    if (n->tuple) {
      // a path inside a step that `%` reaches into: hand the tuples outwards
      value stream = value::new_array(af_tuple_stream, tuples.size());
      for (auto& t : tuples) {
        value o = value::new_object();
        o.set(value::string("@"), t.focus);
        for (auto& [k, v] : t.vars) o.set(value::string(k), v);
        stream.push(std::move(o));
      }
      return stream;
    }
    result = value::new_sequence(tuples.size());
    for (auto& t : tuples) result.push(std::move(t.focus));
  }
  if (n->keep_singleton_array && result.is_array()) {
    if ((result.flags() & af_cons) && !(result.flags() & af_sequence)) {
      value s = value::new_sequence(1);
      s.push(result);
      result = std::move(s);
    }
    result = own_array(std::move(result));
    result.arr_mut().flags |= af_keep_singleton;
  }
  if (n->group) result = eval_group(n->group.get(), result, env);
  return result;
}

value evaluator::eval_step(const node* step, const value& seq, const frame_ptr& env, bool last) {
  if (step->type == node_type::sort) {
    value r = eval_sort(step, seq, env);
    for (const auto& st : step->stages) r = eval_filter(st, r, env);
    return r;
  }
  const auto& items = seq.arr().items;
  // Common case: one input item, a plain field step.
  if (items.size() == 1 && step->stages.empty() && step->type == node_type::name && !items[0].is_array()) {
    ++depth_;
    check_limits();
    const value* v = items[0].get(step->str);
    --depth_;
    if (!v) return {};
    if (v->is_array()) {
      if (last && !v->is_sequence()) return *v;
      if (!(v->flags() & af_cons)) {
        value out = value::new_sequence(v->size());
        for (const auto& x : v->arr().items) out.push(x);
        return out;
      }
    }
    value out = value::new_sequence(1);
    out.push(*v);
    return out;
  }
  std::vector<value> results;
  results.reserve(items.size());
  for (const auto& item : items) {
    value r = eval_bare(step, item, env);
    for (const auto& st : step->stages) r = eval_filter(st, r, env);
    if (!r.is_undefined()) results.push_back(std::move(r));
  }
  if (last && results.size() == 1 && results[0].is_array() && !results[0].is_sequence()) return results[0];
  value out = value::new_sequence(results.size());
  for (const auto& r : results) push_step_result(out, r);
  return out;
}

std::vector<evaluator::tuple> evaluator::eval_tuple_step(const node* step, std::vector<tuple> in,
                                                         const frame_ptr& env) {
  if (step->type == node_type::sort) {
    sort_tuples(step, in, env);
    if (!step->index.empty())
      for (std::size_t i = 0; i < in.size(); ++i)
        in[i].vars.emplace_back(step->index, value::number(static_cast<double>(i)));
    for (const auto& st : step->stages) filter_tuples(st, in, env);
    return in;
  }
  std::vector<tuple> out;
  for (auto& t : in) {
    frame_ptr f = t.vars.empty() ? env : tuple_frame(env, t);
    value r = eval_bare(step, t.focus, f);
    if (r.is_undefined()) continue;
    if (r.is_array() && (r.flags() & af_tuple_stream)) {
      for (const auto& o : r.arr().items) {
        tuple nt{t.focus, t.vars};
        for (const auto& [k, v] : o.obj().entries) {
          if (k.as_string() == "@")
            nt.focus = v;
          else
            nt.vars.emplace_back(keep_name(k), v);
        }
        out.push_back(std::move(nt));
      }
      continue;
    }
    value items = as_array(r);
    std::size_t idx = 0;
    for (const auto& item : items.arr().items) {
      tuple nt{t.focus, t.vars};
      if (!step->focus.empty()) {
        nt.vars.emplace_back(step->focus, item);
      } else {
        nt.focus = item;
      }
      if (!step->index.empty()) nt.vars.emplace_back(step->index, value::number(static_cast<double>(idx)));
      if (!step->ancestor.empty()) nt.vars.emplace_back(step->ancestor, t.focus);
      out.push_back(std::move(nt));
      ++idx;
    }
  }
  for (const auto& st : step->stages) filter_tuples(st, out, env);
  return out;
}

namespace {

bool is_number_array(const value& v) {
  if (!v.is_array() || v.size() == 0) return false;
  for (const auto& x : v.arr().items)
    if (!x.is_number()) return false;
  return true;
}

// Does the predicate value `r` select position `idx` of `len` items?
bool selects(const value& r, std::size_t idx, std::size_t len) {
  auto hit = [&](double d) {
    double i = std::floor(d);
    if (i < 0) i += static_cast<double>(len);
    return i == static_cast<double>(idx);
  };
  if (r.is_number()) return hit(r.as_number());
  if (is_number_array(r)) {
    for (const auto& x : r.arr().items)
      if (hit(x.as_number())) return true;
    return false;
  }
  return truthy(r);
}

}  // namespace

value evaluator::eval_filter(const stage& st, const value& input, const frame_ptr& env) {
  if (st.is_index) return input;
  value in = as_array(input);
  const auto& items = in.arr().items;
  const node* p = st.expr.get();
  if (p->type == node_type::literal && p->lit.is_number()) {
    double i = std::floor(p->lit.as_number());
    if (i < 0) i += static_cast<double>(items.size());
    value out = value::new_sequence(1);
    if (i >= 0 && i < static_cast<double>(items.size())) {
      const value& item = items[static_cast<std::size_t>(i)];
      if (item.is_array()) return item;
      out.push(item);
    }
    return out;
  }
  value out = value::new_sequence();
  for (std::size_t i = 0; i < items.size(); ++i) {
    value r = eval(p, items[i], env);
    if (selects(r, i, items.size())) out.push(items[i]);
  }
  return out;
}

void evaluator::filter_tuples(const stage& st, std::vector<tuple>& tuples, const frame_ptr& env) {
  if (st.is_index) {
    for (std::size_t i = 0; i < tuples.size(); ++i)
      tuples[i].vars.emplace_back(st.var, value::number(static_cast<double>(i)));
    return;
  }
  std::vector<tuple> out;
  const node* p = st.expr.get();
  for (std::size_t i = 0; i < tuples.size(); ++i) {
    bool keep;
    if (p->type == node_type::literal && p->lit.is_number()) {
      keep = selects(p->lit, i, tuples.size());
    } else {
      value r = eval(p, tuples[i].focus, tuple_frame(env, tuples[i]));
      keep = selects(r, i, tuples.size());
    }
    if (keep) out.push_back(tuples[i]);
  }
  tuples = std::move(out);
}

}  // namespace simpul::mappings::jsonata
