// Boolean, array and object built-ins.

#include <algorithm>
#include <random>

#include "mappings/jsonata/builtin_util.h"
#include "mappings/jsonata/registry.h"

namespace simpul::mappings::jsonata {
namespace {

using args_t = std::vector<value>;

value fn_boolean(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  return v.is_undefined() ? value() : value::boolean(truthy(v));
}
value fn_not(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  return v.is_undefined() ? value() : value::boolean(!truthy(v));
}
value fn_exists(evaluator&, args_t& a, const value&, std::int64_t) {
  return value::boolean(!arg_at(a, 0).is_undefined());
}
value fn_count(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  return value::number(v.is_undefined() ? 0 : static_cast<double>(v.size()));
}

value fn_append(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& x = arg_at(a, 0);
  const value& y = arg_at(a, 1);
  if (x.is_undefined()) return y;
  if (y.is_undefined()) return x;
  value out = value::new_array();
  for (const value* v : {&x, &y}) {
    if (v->is_array())
      for (const auto& item : v->arr().items) out.push(item);
    else
      out.push(*v);
  }
  return out;
}

value fn_reverse(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  value out = value::new_array(0, v.size());
  for (auto it = v.arr().items.rbegin(); it != v.arr().items.rend(); ++it) out.push(*it);
  return out;
}

value fn_shuffle(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  value out = value::new_array(0, v.size());
  for (const auto& x : v.arr().items) out.push(x);
  thread_local std::mt19937_64 gen{std::random_device{}()};
  std::shuffle(out.arr_mut().items.begin(), out.arr_mut().items.end(), gen);
  return out;
}

value fn_distinct(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (!v.is_array()) return v;
  value out = value::new_array();
  for (const auto& x : v.arr().items) {
    bool seen = false;
    for (const auto& y : out.arr().items)
      if (deep_equal(x, y)) {
        seen = true;
        break;
      }
    if (!seen) out.push(x);
  }
  return out;
}

value fn_sort(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  if (v.size() <= 1) return v;
  std::vector<value> items = v.arr().items;
  const value& fn = arg_at(a, 1);
  if (fn.is_undefined()) {
    bool all_num = true, all_str = true;
    for (const auto& x : items) {
      all_num = all_num && x.is_number();
      all_str = all_str && x.is_string();
    }
    if (!all_num && !all_str) raise("D3070", pos);
    std::stable_sort(items.begin(), items.end(), [&](const value& x, const value& y) {
      return all_num ? x.as_number() < y.as_number() : x.as_string() < y.as_string();
    });
  } else {
    // the function answers "does x go after y?"
    std::stable_sort(items.begin(), items.end(), [&](const value& x, const value& y) {
      return truthy(call_with_arity(ev, fn, pos, y, x, value()));
    });
  }
  value out = value::new_array(0, items.size());
  for (auto& x : items) out.push(std::move(x));
  return out;
}

value fn_zip(evaluator&, args_t& a, const value&, std::int64_t) {
  value out = value::new_array();
  if (a.empty()) return out;
  std::size_t n = SIZE_MAX;
  for (const auto& x : a) n = std::min(n, x.is_undefined() ? std::size_t{0} : x.size());
  for (std::size_t i = 0; i < n; ++i) {
    value t = value::new_array(0, a.size());
    for (const auto& x : a) t.push(x[i]);
    out.push(std::move(t));
  }
  return out;
}

value fn_keys(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  value out = value::new_sequence();
  auto add = [&](const value& o) {
    for (const auto& [k, x] : o.obj().entries) {
      bool seen = false;
      for (const auto& y : out.arr().items)
        if (y.as_string() == k.as_string()) {
          seen = true;
          break;
        }
      if (!seen) out.push(k);
    }
  };
  if (v.is_array()) {
    for (const auto& x : v.arr().items)
      if (x.is_object()) add(x);
  } else if (v.is_object()) {
    add(v);
  }
  return out;
}

value lookup_in(const value& v, std::string_view key) {
  if (v.is_array()) {
    value out = value::new_sequence();
    for (const auto& x : v.arr().items) {
      value r = lookup_in(x, key);
      if (r.is_undefined()) continue;
      if (r.is_array())
        for (const auto& y : r.arr().items) out.push(y);
      else
        out.push(r);
    }
    return out;
  }
  if (const value* f = v.get(key)) return *f;
  return {};
}

value fn_lookup(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  return lookup_in(v, arg_at(a, 1).as_string());
}

value fn_spread(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  value out = value::new_sequence();
  auto spread = [&](const value& o) {
    for (const auto& [k, x] : o.obj().entries) {
      value one = value::new_object();
      one.set(k, x);
      out.push(std::move(one));
    }
  };
  if (v.is_array()) {
    for (const auto& x : v.arr().items) {
      if (x.is_object())
        spread(x);
      else
        out.push(x);
    }
    return out;
  }
  if (!v.is_object()) return v;
  spread(v);
  return out;
}

value fn_merge(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  value out = value::new_object();
  for (const auto& o : v.arr().items)
    for (const auto& [k, x] : o.obj().entries) out.set(k, x);
  return out;
}

value fn_error(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& m = arg_at(a, 0);
  raise_msg("D3137", pos, m.is_undefined() ? "$error() function evaluated" : std::string(m.as_string()));
}

value fn_assert(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& c = arg_at(a, 0);
  if (!c.is_bool()) raise("T0410", pos, "assert");
  if (!c.as_bool()) {
    const value& m = arg_at(a, 1);
    raise_msg("D3141", pos, m.is_undefined() ? "$assert() statement failed" : std::string(m.as_string()));
  }
  return {};
}

value fn_type(evaluator&, args_t& a, const value&, std::int64_t) {
  static const char* names[] = {"undefined", "null", "boolean", "number", "string", "array", "object", "function"};
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  return value::string(names[static_cast<int>(v.kind())]);
}

}  // namespace

void register_collection_functions(function_registry& r) {
  r.add_native("boolean", "x-:b", fn_boolean);
  r.add_native("not", "x-:b", fn_not);
  r.add_native("exists", "x:b", fn_exists);
  r.add_native("count", "a:n", fn_count);
  r.add_native("append", "xx:a", fn_append);
  r.add_native("reverse", "a:a", fn_reverse);
  r.add_native("shuffle", "a:a", fn_shuffle);
  r.add_native("distinct", "x:x", fn_distinct);
  r.add_native("sort", "af?:a", fn_sort);
  r.add_native("zip", "a+", fn_zip);
  r.add_native("keys", "x-:a<s>", fn_keys);
  r.add_native("lookup", "x-s:x", fn_lookup);
  r.add_native("spread", "x-:a<o>", fn_spread);
  r.add_native("merge", "a<o>:o", fn_merge);
  r.add_native("error", "s?:x", fn_error);
  r.add_native("assert", "bs?:x", fn_assert);
  r.add_native("type", "x:s", fn_type);
}

}  // namespace simpul::mappings::jsonata
