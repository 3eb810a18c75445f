#pragma once

// Small helpers shared by the built-in function files.

#include <cstdint>
#include <string>
#include <vector>

#include "mappings/jsonata/error.h"
#include "mappings/jsonata/evaluator.h"
#include "mappings/jsonata/json.h"
#include "mappings/jsonata/value.h"

namespace simpul::mappings::jsonata {

inline const value& arg_at(const std::vector<value>& args, std::size_t i) {
  static const value none;
  return i < args.size() ? args[i] : none;
}

inline std::string to_json_text(const value& v) {
  std::string s;
  write_json(s, v);
  return s;
}

[[noreturn]] inline void raise_msg(const char* code, std::int64_t pos, std::string message,
                                   std::string token = {}) {
  jsonata_exception ex;
  ex.error.code = code;
  ex.error.message = std::move(message);
  ex.error.position = pos;
  ex.error.token = std::move(token);
  throw ex;
}

/// Calls `fn` with as many of (a, b, c) as it takes.
inline value call_with_arity(evaluator& ev, const value& fn, std::int64_t pos, const value& a,
                             const value& b, const value& c, const value& d = value()) {
  std::size_t n = function_arity(fn);
  std::vector<value> args;
  const value* all[] = {&a, &b, &c, &d};
  for (std::size_t i = 0; i < n && i < 4; ++i) args.push_back(*all[i]);
  if (args.empty()) args.push_back(a);
  return ev.apply(fn, std::move(args), value(), pos);
}

inline value number_value(double d) { return value::number(d); }

}  // namespace simpul::mappings::jsonata
