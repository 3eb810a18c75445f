#include "mappings/jsonata/evaluator.h"

#include <cmath>

#include "mappings/jsonata/error.h"
#include "mappings/jsonata/json.h"
#include "mappings/jsonata/registry.h"
#include "mappings/jsonata/signature.h"

namespace simpul::mappings::jsonata {

bool truthy(const value& v) {
  switch (v.kind()) {
    case value_kind::undefined:
    case value_kind::null:
    case value_kind::function:
      return false;
    case value_kind::boolean:
      return v.as_bool();
    case value_kind::number:
      return v.as_number() != 0;
    case value_kind::string:
      return !v.as_string().empty();
    case value_kind::object:
      return !v.obj().entries.empty();
    case value_kind::array:
      if (v.size() == 1) return truthy(v[0]);
      for (const auto& item : v.arr().items)
        if (truthy(item)) return true;
      return false;
  }
  return false;
}

std::string to_jsonata_string(const value& v, bool pretty) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_function()) return "";
  if (v.is_number() && !std::isfinite(v.as_number())) raise("D3001");
  std::string out;
  json_style style;
  style.pretty = pretty;
  style.precision15 = true;
  write_json(out, v, style);
  return out;
}

value as_array(const value& v) {
  if (v.is_array()) return v;
  value a = value::new_sequence(1);
  if (!v.is_undefined()) a.push(v);
  return a;
}

evaluator::evaluator(const function_registry& registry, std::shared_ptr<const void> program,
                     const eval_limits& limits)
    : registry_(registry), program_(std::move(program)), limits_(limits) {
  if (limits_.time_limit.count() > 0) deadline_ = std::chrono::steady_clock::now() + limits_.time_limit;
}

namespace {

bool holds_function(const value& v) {
  if (v.is_function()) return true;
  if (v.is_array()) {
    for (const auto& x : v.arr().items)
      if (holds_function(x)) return true;
  } else if (v.is_object()) {
    for (const auto& [k, x] : v.obj().entries)
      if (holds_function(x)) return true;
  }
  return false;
}

}  // namespace

evaluator::~evaluator() {
  if (keep_closures_) return;
  for (auto& f : captured_) f->vars.clear();
}

void evaluator::depth_exceeded() { raise("U1001"); }

void evaluator::check_deadline() {
  if (std::chrono::steady_clock::now() > deadline_) {
    jsonata_exception ex;
    ex.error.code = "U1001";
    ex.error.message = "Expression evaluation timeout: Check for infinite loop";
    throw ex;
  }
}

value evaluator::run(const node* root, value input, frame_ptr env) {
  if (input.is_array() && !input.is_sequence()) {
    value wrapper = value::new_array(af_sequence | af_outer_wrapper, 1);
    wrapper.push(input);
    input = std::move(wrapper);
  }
  root_ = input;
  if (root_.is_array() && (root_.flags() & af_outer_wrapper)) root_ = input[0];
  value r = eval(root, input, env);
  keep_closures_ = !captured_.empty() && holds_function(r);
  if (r.is_sequence()) {
    if (r.size() == 0) return {};
    if (r.size() == 1 && !(r.flags() & af_keep_singleton)) return r[0];
  }
  return r;
}

value evaluator::eval(const node* n, const value& input, const frame_ptr& env) {
  ++depth_;
  check_limits();
  value r = eval_node(n, input, env);
  if (n->type != node_type::path) {
    for (const auto& st : n->stages) r = eval_filter(st, r, env);
    if (n->group) r = eval_group(n->group.get(), r, env);
  }
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

namespace {

value lookup_field(const value& input, std::string_view name) {
  if (input.is_array()) {
    value out = value::new_sequence();
    for (const auto& item : input.arr().items) {
      value r = lookup_field(item, name);
      if (r.is_undefined()) continue;
      if (r.is_array()) {
        for (const auto& x : r.arr().items) out.push(x);
      } else {
        out.push(std::move(r));
      }
    }
    return out;
  }
  if (const value* v = input.get(name)) return *v;
  return {};
}

void flatten_into(const value& v, value& out) {
  if (v.is_array()) {
    for (const auto& item : v.arr().items) flatten_into(item, out);
  } else {
    out.push(v);
  }
}

value wildcard(const value& in) {
  value out = value::new_sequence();
  const value* input = &in;
  if (in.is_array() && (in.flags() & af_outer_wrapper) && in.size() > 0) input = &in[0];
  if (input->is_object()) {
    for (const auto& [k, v] : input->obj().entries) {
      if (v.is_array())
        flatten_into(v, out);
      else
        out.push(v);
    }
  }
  return out;
}

void descend(const value& v, value& out) {
  if (v.is_array()) {
    for (const auto& item : v.arr().items) descend(item, out);
    return;
  }
  out.push(v);
  if (v.is_object())
    for (const auto& [k, item] : v.obj().entries) descend(item, out);
}

}  // namespace

value evaluator::eval_node(const node* n, const value& input, const frame_ptr& env) {
  switch (n->type) {
    case node_type::literal:
      return n->lit;
    case node_type::name:
      return lookup_field(input, n->str);
    case node_type::variable: {
      if (n->str.empty()) {
        if (input.is_array() && (input.flags() & af_outer_wrapper)) return input[0];
        return input;
      }
      if (n->str == "$") return root_;
      if (const value* v = env->lookup(n->str)) return *v;
      if (const value* f = registry_.find(n->str)) return *f;
      return {};
    }
    case node_type::parent: {
      if (const value* v = env->lookup(n->str)) return *v;
      return {};
    }
    case node_type::wildcard:
      return wildcard(input);
    case node_type::descendant: {
      if (input.is_undefined()) return {};
      value out = value::new_sequence();
      descend(input, out);
      return out;
    }
    case node_type::path:
      return eval_path(n, input, env);
    case node_type::binary:
      return eval_binary(n, input, env);
    case node_type::negate: {
      value v = eval(n->lhs.get(), input, env);
      if (v.is_undefined()) return {};
      if (!v.is_number()) {
        std::string s;
        write_json(s, v);
        raise("D1002", n->pos, "-", s);
      }
      return value::number(-v.as_number());
    }
    case node_type::array_ctor:
      return eval_array(n, input, env);
    case node_type::object_ctor:
      return eval_group(n, input, env);
    case node_type::condition: {
      value c = eval(n->lhs.get(), input, env);
      if (truthy(c)) return eval(n->rhs.get(), input, env);
      if (n->third) return eval(n->third.get(), input, env);
      return {};
    }
    case node_type::block: {
      auto scope = std::make_shared<frame>(env);
      value r;
      for (const auto& item : n->items) r = eval(item.get(), input, scope);
      return r;
    }
    case node_type::bind: {
      value v = eval(n->rhs.get(), input, env);
      env->bind(n->lhs->str, v);
      return v;
    }
    case node_type::call:
      return eval_call(n, input, env, nullptr);
    case node_type::partial: {
      value proc = eval(n->lhs.get(), input, env);
      if (!proc.is_function()) {
        const node* l = n->lhs.get();
        if (l->type == node_type::path && l->items.size() == 1 && l->items[0]->type == node_type::name)
          raise("T1007", n->pos, l->items[0]->str);
        raise("T1008", n->pos, "");
      }
      auto* rep = new function_rep;
      rep->kind = fn_kind::partial;
      rep->target = proc;
      for (const auto& arg : n->items) {
        bool hole = arg->type == node_type::placeholder;
        rep->holes.push_back(hole);
        rep->args.push_back(hole ? value() : eval(arg.get(), input, env));
      }
      return value::function(rep);
    }
    case node_type::placeholder:
      return {};
    case node_type::lambda:
      return make_function(n, fn_kind::lambda, input, env);
    case node_type::transform:
      return make_function(n, fn_kind::transform, input, env);
    case node_type::regex: {
      auto* rep = new function_rep;
      rep->kind = fn_kind::regex;
      rep->re = n->re;
      return value::function(rep);
    }
    case node_type::apply:
      return eval_apply(n, input, env);
    case node_type::sort:
      return eval_sort(n, as_array(input), env);
  }
  return {};
}

value evaluator::make_function(const node* n, fn_kind kind, const value& input, const frame_ptr& env) {
  auto* rep = new function_rep;
  rep->kind = kind;
  rep->def = n;
  rep->program = program_;
  rep->env = env;
  rep->input = input;
  if (captured_.empty() || captured_.back() != env) captured_.push_back(env);
  return value::function(rep);
}

value evaluator::eval_array(const node* n, const value& input, const frame_ptr& env) {
  value out = value::new_array(n->consarray ? af_cons : 0, n->items.size());
  for (const auto& item : n->items) {
    value v = eval(item.get(), input, env);
    if (v.is_undefined()) continue;
    if (item->type == node_type::array_ctor || !v.is_array()) {
      out.push(std::move(v));
    } else {
      for (const auto& x : v.arr().items) out.push(x);
    }
  }
  return out;
}

namespace {

// Argument vectors of finished calls, kept per thread and reused so that a
// call to a built-in or host function allocates no vector once the thread
// has warmed up. Only empty vectors are kept: no value outlives its call.
thread_local std::vector<std::vector<value>> spare_args;

}  // namespace

value evaluator::eval_call(const node* n, const value& input, const frame_ptr& env, const value* first) {
  value proc = eval(n->lhs.get(), input, env);
  if (!proc.is_function()) {
    const node* l = n->lhs.get();
    if (l->type == node_type::path && l->items.size() == 1 && l->items[0]->type == node_type::name &&
        (env->lookup(l->items[0]->str) || registry_.find(l->items[0]->str)))
      raise("T1005", n->pos, l->items[0]->str);
    raise("T1006", n->pos, "");
  }
  std::vector<value> args;
  if (!spare_args.empty()) {
    args = std::move(spare_args.back());
    spare_args.pop_back();
  }
  args.reserve(n->items.size() + (first ? 1 : 0));
  if (first) args.push_back(*first);
  for (const auto& arg : n->items) args.push_back(eval(arg.get(), input, env));
  if (n->thunk && !first) {
    tail_pending_ = true;
    tail_fn_ = std::move(proc);
    tail_args_ = std::move(args);
    return {};
  }
  const frame_ptr* saved = call_env_;
  call_env_ = &env;
  value r = apply(proc, std::move(args), input, n->pos);
  call_env_ = saved;
  // a lambda took the vector itself; a built-in leaves it here to be reused
  args.clear();
  if (args.capacity() != 0 && args.capacity() <= 64 && spare_args.size() < 16) spare_args.push_back(std::move(args));
  return r;
}

value evaluator::eval_nested(std::shared_ptr<const node> ast, const value& input) {
  struct restore {
    evaluator& ev;
    std::shared_ptr<const void> program;
    ~restore() { ev.program_ = std::move(program); }
  } guard{*this, program_};
  program_ = ast;
  frame_ptr env = call_env_ ? *call_env_ : std::make_shared<frame>(nullptr);
  value in = input;
  if (in.is_array() && !in.is_sequence()) {
    value wrapper = value::new_array(af_sequence | af_outer_wrapper, 1);
    wrapper.push(in);
    in = std::move(wrapper);
  }
  value r = eval(ast.get(), in, env);
  if (r.is_sequence()) {
    if (r.size() == 0) return {};
    if (r.size() == 1 && !(r.flags() & af_keep_singleton)) return r[0];
  }
  return r;
}

std::int64_t evaluator::now_millis() {
  if (now_ < 0)
    now_ = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
  return now_;
}

value evaluator::eval_apply(const node* n, const value& input, const frame_ptr& env) {
  value lhs = eval(n->lhs.get(), input, env);
  const node* r = n->rhs.get();
  if (r->type == node_type::call) {
    value out = eval_call(r, input, env, &lhs);
    for (const auto& st : r->stages) out = eval_filter(st, out, env);
    if (r->keep_array && out.is_array()) {
      out = own_array(std::move(out));
      out.arr_mut().flags |= af_keep_singleton | af_sequence;
    }
    return out;
  }
  value fn = eval(r, input, env);
  if (!fn.is_function()) raise("T2006", n->pos, "~>");
  if (lhs.is_function()) {
    auto* rep = new function_rep;
    rep->kind = fn_kind::compose;
    rep->target = lhs;
    rep->second = fn;
    return value::function(rep);
  }
  std::vector<value> args;
  args.push_back(std::move(lhs));
  return apply(fn, std::move(args), input, n->pos);
}

}  // namespace simpul::mappings::jsonata
