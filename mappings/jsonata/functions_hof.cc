// Higher-order built-ins ($map, $filter, $single, $reduce, $sift, $each)
// and the date/time built-ins.

#include "mappings/jsonata/builtin_util.h"
#include "mappings/jsonata/picture/picture.h"
#include "mappings/jsonata/registry.h"

namespace simpul::mappings::jsonata {
namespace {

using args_t = std::vector<value>;

value fn_map(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& arr = arg_at(a, 0);
  if (arr.is_undefined()) return {};
  value out = value::new_sequence();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    value r = call_with_arity(ev, a[1], pos, arr[i], value::number(static_cast<double>(i)), arr);
    if (!r.is_undefined()) out.push(std::move(r));
  }
  return out;
}

value fn_filter(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& arr = arg_at(a, 0);
  if (arr.is_undefined()) return {};
  value out = value::new_sequence();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (truthy(call_with_arity(ev, a[1], pos, arr[i], value::number(static_cast<double>(i)), arr)))
      out.push(arr[i]);
  }
  return out;
}

value fn_single(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& arr = arg_at(a, 0);
  if (arr.is_undefined()) return {};
  const value& fn = arg_at(a, 1);
  value found;
  bool have = false;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    bool ok = fn.is_undefined() ||
              truthy(call_with_arity(ev, fn, pos, arr[i], value::number(static_cast<double>(i)), arr));
    if (!ok) continue;
    if (have) raise("D3138", pos);
    found = arr[i];
    have = true;
  }
  if (!have) raise("D3139", pos);
  return found;
}

value fn_reduce(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& arr = arg_at(a, 0);
  if (arr.is_undefined()) return {};
  const value& fn = a[1];
  if (function_arity(fn) < 2) raise("D3050", pos);
  std::size_t i = 0;
  value acc = arg_at(a, 2);
  if (acc.is_undefined() && arr.size() > 0) acc = arr[i++];
  for (; i < arr.size(); ++i)
    acc = call_with_arity(ev, fn, pos, acc, arr[i], value::number(static_cast<double>(i)), arr);
  return acc;
}

value fn_sift(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& obj = arg_at(a, 0);
  if (obj.is_undefined()) return {};
  value out = value::new_object();
  for (const auto& [k, v] : obj.obj().entries)
    if (truthy(call_with_arity(ev, a[1], pos, v, k, obj))) out.set(k, v);
  if (out.obj().entries.empty()) return {};
  return out;
}

value fn_each(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& obj = arg_at(a, 0);
  if (obj.is_undefined()) return {};
  value out = value::new_sequence();
  for (const auto& [k, v] : obj.obj().entries) {
    value r = call_with_arity(ev, a[1], pos, v, k, obj);
    if (!r.is_undefined()) out.push(std::move(r));
  }
  return out;
}

[[noreturn]] void raise_picture(const picture::picture_error& e, std::int64_t pos) {
  raise_msg(e.code.c_str(), pos, e.message);
}

std::optional<std::string_view> opt_string(const value& v) {
  if (v.is_string()) return v.as_string();
  return std::nullopt;
}

value format_millis(std::int64_t ms, const value& picture, const value& tz, std::int64_t pos) {
  auto r = picture::format_datetime(ms, opt_string(picture), opt_string(tz));
  if (!r) raise_picture(r.error(), pos);
  return value::string(*r);
}

value fn_now(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  return format_millis(ev.now_millis(), arg_at(a, 0), arg_at(a, 1), pos);
}

value fn_millis(evaluator& ev, args_t&, const value&, std::int64_t) {
  return value::number(static_cast<double>(ev.now_millis()));
}

value fn_from_millis(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  return format_millis(static_cast<std::int64_t>(v.as_number()), arg_at(a, 1), arg_at(a, 2), pos);
}

value fn_to_millis(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  auto r = picture::parse_datetime(v.as_string(), opt_string(arg_at(a, 1)));
  if (!r) raise_picture(r.error(), pos);
  if (!*r) return {};
  return value::number(static_cast<double>(**r));
}

}  // namespace

void register_hof_functions(function_registry& r) {
  r.add_native("map", "af", fn_map);
  r.add_native("filter", "af", fn_filter);
  r.add_native("single", "af?", fn_single);
  r.add_native("reduce", "afj?:j", fn_reduce);
  r.add_native("sift", "o-f?:o", fn_sift);
  r.add_native("each", "o-f:a", fn_each);
}

void register_datetime_functions(function_registry& r) {
  r.add_native("now", "s?s?:s", fn_now);
  r.add_native("millis", ":n", fn_millis);
  r.add_native("fromMillis", "n-s?s?:s", fn_from_millis);
  r.add_native("toMillis", "s-s?:n", fn_to_millis);
}

}  // namespace simpul::mappings::jsonata
