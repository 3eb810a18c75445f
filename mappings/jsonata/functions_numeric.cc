// Numeric and aggregation built-ins, and the picture-string wrappers.

#include <charconv>
#include <cmath>
#include <random>

#include "mappings/jsonata/builtin_util.h"
#include "mappings/jsonata/picture/picture.h"
#include "mappings/jsonata/registry.h"

namespace simpul::mappings::jsonata {
namespace {

using args_t = std::vector<value>;

bool parse_decimal(std::string_view s, double& out) {
  // JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] >= '0' && s[i] <= '9') {
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t d = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == d) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t d = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == d) return false;
  }
  if (i != s.size()) return false;
  out = std::strtod(std::string(s).c_str(), nullptr);
  return std::isfinite(out);
}

bool parse_radix(std::string_view s, double& out) {
  if (s.size() < 3 || s[0] != '0') return false;
  int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : (s[1] == 'b' || s[1] == 'B') ? 2 : 0;
  if (!base) return false;
  double v = 0;
  for (char c : s.substr(2)) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : 99;
    if (d >= base) return false;
    v = v * base + d;
  }
  out = v;
  return true;
}

value fn_number(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  switch (v.kind()) {
    case value_kind::undefined:
      return {};
    case value_kind::number:
      return v;
    case value_kind::boolean:
      return value::number(v.as_bool() ? 1 : 0);
    case value_kind::string: {
      double d;
      if (parse_decimal(v.as_string(), d) || parse_radix(v.as_string(), d)) return value::number(d);
      break;
    }
    default:
      break;
  }
  raise("D3030", pos, "", to_json_text(v));
}

value fn_abs(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  return v.is_undefined() ? value() : value::number(std::fabs(v.as_number()));
}
value fn_floor(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  return v.is_undefined() ? value() : value::number(std::floor(v.as_number()));
}
value fn_ceil(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  return v.is_undefined() ? value() : value::number(std::ceil(v.as_number()));
}
value fn_sqrt(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  if (v.as_number() < 0) raise("D3060", pos, "", to_json_text(v));
  return value::number(std::sqrt(v.as_number()));
}
value fn_power(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  double r = std::pow(v.as_number(), arg_at(a, 1).as_number());
  if (!std::isfinite(r)) raise("D3061", pos, "", to_json_text(v));
  return value::number(r);
}

// Shifts the decimal exponent exactly by going through text, as "1.005e2".
double shift(double d, int places) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string s(buf, r.ptr);
  auto e = s.find('e');
  int exp = std::atoi(s.c_str() + e + 1) + places;
  s = s.substr(0, e) + "e" + std::to_string(exp);
  return std::strtod(s.c_str(), nullptr);
}

value fn_round(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  int precision = arg_at(a, 1).is_undefined() ? 0 : static_cast<int>(arg_at(a, 1).as_number());
  double x = v.as_number();
  if (x == 0) return v;
  double scaled = precision ? shift(x, precision) : x;
  double rounded = std::round(scaled);
  if (std::fabs(rounded - scaled) == 0.5 && std::fmod(std::fabs(rounded), 2) == 1)
    rounded -= (rounded > scaled ? 1 : -1);
  double out = precision && rounded != 0 ? shift(rounded, -precision) : rounded;
  if (out == 0) out = 0;  // no negative zero
  return value::number(out);
}

value fn_random(evaluator&, args_t&, const value&, std::int64_t) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return value::number(std::uniform_real_distribution<double>(0, 1)(gen));
}

value fn_format_base(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  double radix = arg_at(a, 1).is_undefined() ? 10 : arg_at(a, 1).as_number();
  if (radix < 2 || radix > 36) raise("D3100", pos, "", to_json_text(arg_at(a, 1)));
  double x = std::round(v.as_number());
  bool neg = x < 0;
  x = std::fabs(x);
  std::string digits;
  auto base = static_cast<std::uint64_t>(radix);
  auto n = static_cast<std::uint64_t>(x);
  do {
    auto d = static_cast<int>(n % base);
    digits.insert(digits.begin(), static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10));
    n /= base;
  } while (n > 0);
  return value::string(neg ? "-" + digits : digits);
}

[[noreturn]] void raise_picture(const picture::picture_error& e, std::int64_t pos) {
  raise_msg(e.code.c_str(), pos, e.message);
}

bool one_char(const value& v, std::string& out) {
  if (!v.is_string()) return false;
  out = std::string(v.as_string());
  return true;
}

value fn_format_number(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  picture::decimal_format fmt;
  if (const value& o = arg_at(a, 2); o.is_object()) {
    struct field {
      const char* key;
      std::string* target;
    } fields[] = {{"decimal-separator", &fmt.decimal_separator}, {"grouping-separator", &fmt.grouping_separator},
                  {"exponent-separator", &fmt.exponent_separator}, {"infinity", &fmt.infinity},
                  {"NaN", &fmt.nan}, {"minus-sign", &fmt.minus_sign}, {"percent", &fmt.percent},
                  {"per-mille", &fmt.per_mille}, {"zero-digit", &fmt.zero_digit}, {"digit", &fmt.digit},
                  {"pattern-separator", &fmt.pattern_separator}};
    for (auto& f : fields)
      if (const value* x = o.get(f.key)) one_char(*x, *f.target);
  }
  auto r = picture::format_number(v.as_number(), arg_at(a, 1).as_string(), fmt);
  if (!r) raise_picture(r.error(), pos);
  return value::string(*r);
}

value fn_format_integer(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  auto r = picture::format_integer(v.as_number(), arg_at(a, 1).as_string());
  if (!r) raise_picture(r.error(), pos);
  return value::string(*r);
}

value fn_parse_integer(evaluator&, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  auto r = picture::parse_integer(v.as_string(), arg_at(a, 1).as_string());
  if (!r) raise_picture(r.error(), pos);
  if (!*r) return {};
  return value::number(**r);
}

value fn_sum(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  double s = 0;
  for (const auto& x : v.arr().items) s += x.as_number();
  return value::number(s);
}

value fn_max(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined() || v.size() == 0) return {};
  double m = -INFINITY;
  for (const auto& x : v.arr().items) m = std::max(m, x.as_number());
  return value::number(m);
}

value fn_min(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined() || v.size() == 0) return {};
  double m = INFINITY;
  for (const auto& x : v.arr().items) m = std::min(m, x.as_number());
  return value::number(m);
}

value fn_average(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined() || v.size() == 0) return {};
  double s = 0;
  for (const auto& x : v.arr().items) s += x.as_number();
  return value::number(s / static_cast<double>(v.size()));
}

}  // namespace

void register_numeric_functions(function_registry& r) {
  r.add_native("number", "(nsb)-:n", fn_number);
  r.add_native("abs", "n-:n", fn_abs);
  r.add_native("floor", "n-:n", fn_floor);
  r.add_native("ceil", "n-:n", fn_ceil);
  r.add_native("round", "n-n?:n", fn_round);
  r.add_native("power", "n-n:n", fn_power);
  r.add_native("sqrt", "n-:n", fn_sqrt);
  r.add_native("random", ":n", fn_random);
  r.add_native("formatBase", "n-n?:s", fn_format_base);
  r.add_native("formatNumber", "n-so?:s", fn_format_number);
  r.add_native("formatInteger", "n-s:s", fn_format_integer);
  r.add_native("parseInteger", "s-s:n", fn_parse_integer);
  r.add_native("sum", "a<n>:n", fn_sum);
  r.add_native("max", "a<n>:n", fn_max);
  r.add_native("min", "a<n>:n", fn_min);
  r.add_native("average", "a<n>:n", fn_average);
}

}  // namespace simpul::mappings::jsonata
