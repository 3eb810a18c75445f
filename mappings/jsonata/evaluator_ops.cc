// Operators and function application. Part of class evaluator.

#include <cmath>
#include <unordered_set>

#include "mappings/jsonata/error.h"
#include "mappings/jsonata/evaluator.h"
#include "mappings/jsonata/json.h"
#include "mappings/jsonata/regex.h"
#include "mappings/jsonata/registry.h"
#include "mappings/jsonata/signature.h"
#include "mappings/jsonata/utf.h"

namespace simpul::mappings::jsonata {
namespace {

std::string json_text(const value& v) {
  std::string s;
  write_json(s, v);
  return s;
}

value arithmetic(const node* n, const value& l, const value& r) {
  if (!l.is_undefined() && !l.is_number()) raise("T2001", n->pos, n->str, json_text(l));
  if (!r.is_undefined() && !r.is_number()) raise("T2002", n->pos, n->str, json_text(r));
  if (l.is_undefined() || r.is_undefined()) return {};
  double a = l.as_number(), b = r.as_number(), x = 0;
  switch (n->op) {
    case binary_op::add: x = a + b; break;
    case binary_op::sub: x = a - b; break;
    case binary_op::mul: x = a * b; break;
    case binary_op::div: x = a / b; break;
    case binary_op::mod: x = std::fmod(a, b); break;
    default: break;
  }
  if (!std::isfinite(x)) raise("D1001", n->pos, n->str, "");
  return value::number(x);
}

value compare(const node* n, const value& l, const value& r) {
  bool lc = l.is_undefined() || l.is_number() || l.is_string();
  bool rc = r.is_undefined() || r.is_number() || r.is_string();
  if (!lc || !rc) raise("T2010", n->pos, n->str, json_text(lc ? r : l));
  if (l.is_undefined() || r.is_undefined()) return {};
  if (l.kind() != r.kind()) raise("T2009", n->pos, n->str, json_text(l), json_text(r));
  int c;
  if (l.is_number()) {
    c = l.as_number() < r.as_number() ? -1 : l.as_number() > r.as_number() ? 1 : 0;
  } else {
    int s = l.as_string().compare(r.as_string());
    c = s < 0 ? -1 : s > 0 ? 1 : 0;
  }
  switch (n->op) {
    case binary_op::lt: return value::boolean(c < 0);
    case binary_op::le: return value::boolean(c <= 0);
    case binary_op::gt: return value::boolean(c > 0);
    default: return value::boolean(c >= 0);
  }
}

value range(const node* n, const value& l, const value& r) {
  auto is_int = [](const value& v) { return v.is_number() && std::floor(v.as_number()) == v.as_number(); };
  if (!l.is_undefined() && !is_int(l)) raise("T2003", n->pos, "..", json_text(l));
  if (!r.is_undefined() && !is_int(r)) raise("T2004", n->pos, "..", json_text(r));
  if (l.is_undefined() || r.is_undefined()) return {};
  double a = l.as_number(), b = r.as_number();
  if (a > b) return {};
  double size = b - a + 1;
  if (size > 1e7) raise("D2014", n->pos, "..", json_text(value::number(size)));
  value out = value::new_sequence(static_cast<std::size_t>(size));
  auto& items = out.arr_mut().items;
  for (double x = a; x <= b; x += 1) items.push_back(value::number(x));
  return out;
}

}  // namespace

value evaluator::eval_binary(const node* n, const value& input, const frame_ptr& env) {
  switch (n->op) {
    case binary_op::and_: {
      if (!truthy(eval(n->lhs.get(), input, env))) return value::boolean(false);
      return value::boolean(truthy(eval(n->rhs.get(), input, env)));
    }
    case binary_op::or_: {
      if (truthy(eval(n->lhs.get(), input, env))) return value::boolean(true);
      return value::boolean(truthy(eval(n->rhs.get(), input, env)));
    }
    case binary_op::coalesce: {
      value l = eval(n->lhs.get(), input, env);
      return l.is_undefined() ? eval(n->rhs.get(), input, env) : l;
    }
    case binary_op::elvis: {
      value l = eval(n->lhs.get(), input, env);
      return truthy(l) ? l : eval(n->rhs.get(), input, env);
    }
    default:
      break;
  }
  value l = eval(n->lhs.get(), input, env);
  value r = eval(n->rhs.get(), input, env);
  switch (n->op) {
    case binary_op::add:
    case binary_op::sub:
    case binary_op::mul:
    case binary_op::div:
    case binary_op::mod:
      return arithmetic(n, l, r);
    case binary_op::eq:
    case binary_op::ne: {
      if (l.is_undefined() || r.is_undefined()) return value::boolean(false);
      bool eq = deep_equal(l, r);
      return value::boolean(n->op == binary_op::eq ? eq : !eq);
    }
    case binary_op::lt:
    case binary_op::le:
    case binary_op::gt:
    case binary_op::ge:
      return compare(n, l, r);
    case binary_op::concat: {
      std::string s = l.is_undefined() ? std::string() : to_jsonata_string(l);
      if (!r.is_undefined()) s += to_jsonata_string(r);
      return value::string(s);
    }
    case binary_op::in: {
      // membership compares objects and arrays by identity (the same value,
      // not an equal copy), other values by value
      auto same = [](const value& a, const value& b) {
        if (a.is_object() || a.is_array() || b.is_object() || b.is_array())
          return a.identity() != nullptr && a.identity() == b.identity();
        return deep_equal(a, b);
      };
      if (l.is_undefined() || r.is_undefined()) return value::boolean(false);
      if (!r.is_array()) return value::boolean(same(l, r));
      for (const auto& x : r.arr().items)
        if (same(l, x)) return value::boolean(true);
      return value::boolean(false);
    }
    case binary_op::range:
      return range(n, l, r);
    default:
      return {};
  }
}

std::size_t function_arity(const value& fn) {
  const function_rep& f = fn.fn();
  switch (f.kind) {
    case fn_kind::lambda:
      return f.def->items.size();
    case fn_kind::builtin: {
      if (!f.builtin->sig) return 1;
      std::size_t n = 0;
      for (const auto& p : f.builtin->sig->params) n += p.optional ? 0 : 1;
      return n;
    }
    case fn_kind::partial: {
      std::size_t n = 0;
      for (bool h : f.holes) n += h ? 1 : 0;
      return n;
    }
    default:
      return 1;
  }
}

namespace {

value regex_match_object(const regex_program& re, std::string_view s, std::size_t from,
                         const value& self);

// Calls a regex value: the match object of the first match, with `next`.
value regex_call(const value& self, const value& arg) {
  if (!arg.is_string()) return {};
  return regex_match_object(*self.fn().re, arg.as_string(), 0, self);
}

value regex_match_object(const regex_program& re, std::string_view s, std::size_t from,
                         const value& self) {
  auto m = re.find(s, from);
  if (!m) return {};
  value o = value::new_object();
  o.set(value::string("match"), value::string(s.substr(m->start, m->end - m->start)));
  o.set(value::string("start"), value::number(static_cast<double>(utf16_length(s.substr(0, m->start)))));
  o.set(value::string("end"), value::number(static_cast<double>(utf16_length(s.substr(0, m->end)))));
  value groups = value::new_array();
  for (const auto& g : m->groups) groups.push(value::string(g ? *g : std::string()));
  o.set(value::string("groups"), groups);
  // `next` continues after this match; a zero-length match steps one char on.
  auto* rep = new function_rep;
  rep->kind = fn_kind::regex;
  rep->re = self.fn().re;
  rep->args.push_back(value::string(s));
  std::size_t next = m->end > m->start ? m->end : m->end + 1;
  rep->args.push_back(value::number(static_cast<double>(next)));
  o.set(value::string("next"), value::function(rep));
  return o;
}

}  // namespace

value evaluator::apply(const value& fn, std::vector<value>&& args, const value& input, std::int64_t pos) {
  if (!fn.is_function()) raise("T1006", pos);
  const function_rep& f = fn.fn();
  switch (f.kind) {
    case fn_kind::lambda:
      return apply_lambda(fn, std::move(args), pos);
    case fn_kind::builtin: {
      const builtin_def& def = *f.builtin;
      if (def.sig) validate_args(*def.sig, args, input, def.name, pos);
      if (def.impl) return def.impl(*this, args, input, pos);
      host_error err;
      value r = def.host(args, err);
      if (!err.code.empty() || !err.message.empty()) {
        jsonata_exception ex;
        ex.error.code = err.code.empty() ? "D3137" : err.code;
        ex.error.message = err.message;
        ex.error.position = pos;
        ex.error.token = def.name;
        throw ex;
      }
      return r;
    }
    case fn_kind::partial: {
      std::vector<value> full;
      std::size_t next = 0;
      for (std::size_t i = 0; i < f.args.size(); ++i) {
        if (f.holes[i])
          full.push_back(next < args.size() ? std::move(args[next++]) : value());
        else
          full.push_back(f.args[i]);
      }
      return apply(f.target, std::move(full), input, pos);
    }
    case fn_kind::regex: {
      if (f.args.size() == 2) {  // a `next` continuation
        std::string_view s = f.args[0].as_string();
        auto from = static_cast<std::size_t>(f.args[1].as_number());
        if (from > s.size()) return {};
        return regex_match_object(*f.re, s, from, fn);
      }
      return regex_call(fn, args.empty() ? value() : args[0]);
    }
    case fn_kind::transform:
      return apply_transform(f, args.empty() ? value() : args[0]);
    case fn_kind::compose: {
      value mid = apply(f.target, std::move(args), input, pos);
      std::vector<value> next;
      next.push_back(std::move(mid));
      return apply(f.second, std::move(next), input, pos);
    }
  }
  return {};
}

value evaluator::apply_lambda(value fn, std::vector<value> args, std::int64_t pos) {
  for (;;) {
    const function_rep& f = fn.fn();
    const node* def = f.def;
    if (def->sig) validate_args(*def->sig, args, f.input, "lambda", pos);
    auto scope = std::make_shared<frame>(f.env);
    scope->vars.reserve(def->items.size());
    for (std::size_t i = 0; i < def->items.size(); ++i)
      scope->vars.emplace_back(value::string(def->items[i]->str), i < args.size() ? args[i] : value());
    value r = eval(def->rhs.get(), f.input, scope);
    if (!tail_pending_) return r;
    tail_pending_ = false;
    value next = std::move(tail_fn_);
    args = std::move(tail_args_);
    tail_args_.clear();
    if (next.fn().kind != fn_kind::lambda) {
      const frame_ptr* saved = call_env_;
      call_env_ = &scope;
      value out = apply(next, std::move(args), f.input, pos);
      call_env_ = saved;
      return out;
    }
    fn = std::move(next);
  }
}

namespace {

// Copies arrays and objects, recording the copies: only they may be changed.
value deep_clone(const value& v, std::unordered_set<const void*>& owned) {
  if (v.is_array()) {
    value a = value::new_array(v.flags(), v.size());
    for (const auto& x : v.arr().items) a.push(deep_clone(x, owned));
    owned.insert(a.identity());
    return a;
  }
  if (v.is_object()) {
    value o = value::new_object();
    for (const auto& [k, x] : v.obj().entries) o.set(k, deep_clone(x, owned));
    owned.insert(o.identity());
    return o;
  }
  return v;
}

}  // namespace

value evaluator::apply_transform(const function_rep& fn, const value& arg) {
  if (arg.is_undefined()) return {};
  // the head of a transform is the object (or array of objects) to copy
  if (!arg.is_object() && !arg.is_array()) {
    jsonata_exception ex;
    ex.error.code = "T0410";
    ex.error.message = "Argument 1 of function transform does not match function signature";
    ex.error.position = fn.def->pos;
    throw ex;
  }
  const node* def = fn.def;
  std::unordered_set<const void*> owned;
  value result = deep_clone(arg, owned);
  value matches = eval(def->lhs.get(), result, fn.env);
  if (matches.is_undefined()) return result;
  value list = as_array(matches);
  for (const auto& m : list.arr().items) {
    // Both clauses are evaluated and type-checked for every match, as the
    // reference does; only objects inside the copy are changed (objects
    // reached through $$ or non-object matches are left alone).
    const bool change = m.is_object() && owned.count(m.identity()) != 0;
    value update = eval(def->rhs.get(), m, fn.env);
    if (!update.is_undefined()) {
      if (!update.is_object()) raise("T2011", def->rhs->pos, "", json_text(update));
      if (change)
        for (const auto& [k, v] : update.obj().entries) m.set(k, v);
    }
    if (!def->third) continue;
    value del = eval(def->third.get(), m, fn.env);
    if (del.is_undefined()) continue;
    value keys = as_array(del);
    for (const auto& k : keys.arr().items)
      if (!k.is_string()) raise("T2012", def->third->pos, "", json_text(del));
    if (!change) continue;
    auto& entries = m.obj_mut().entries;
    for (const auto& k : keys.arr().items) {
      for (auto it = entries.begin(); it != entries.end(); ++it) {
        if (it->first.as_string() == k.as_string()) {
          entries.erase(it);
          break;
        }
      }
    }
    m.obj_mut().reindex();
  }
  return result;
}

}  // namespace simpul::mappings::jsonata
