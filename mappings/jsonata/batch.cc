#include "mappings/jsonata/batch.h"

#include <istream>
#include <ostream>
#include <string>

#include "mappings/jsonata/json.h"
#include "mappings/jsonata/jsonata.h"

namespace simpul::mappings::jsonata {
namespace {

void write_error(std::string& out, const jsonata_error& e) {
  out += "\"error\":{\"code\":";
  write_json_string(out, e.code);
  out += ",\"message\":";
  write_json_string(out, e.message);
  if (!e.token.empty()) {
    out += ",\"token\":";
    write_json_string(out, e.token);
  }
  if (e.position >= 0) {
    out += ",\"position\":";
    out += std::to_string(e.position);
  }
  if (e.value) {
    out += ",\"value\":";
    if (parse_json(*e.value))
      out += *e.value;
    else
      write_json_string(out, *e.value);
  }
  if (!e.function_name.empty()) {
    out += ",\"functionName\":";
    write_json_string(out, e.function_name);
  }
  out += '}';
}

std::string answer(const std::string& line) {
  auto req = parse_json(line);
  if (!req || !req->is_object()) {
    std::string out = "{\"id\":null,\"error\":{\"code\":null,\"message\":";
    write_json_string(out, req ? "request is not an object" : req.error());
    return out + "}}";
  }
  std::string out = "{\"id\":";
  const value* id = req->get("id");
  write_json(out, id ? *id : value::null());
  out += ',';
  const value* expr = req->get("expr");
  if (!expr || !expr->is_string()) {
    jsonata_error e{"S0500", "request has no expr", -1, {}, {}, {}};
    write_error(out, e);
    return out + '}';
  }
  auto compiled = compile(expr->as_string());
  if (!compiled) {
    write_error(out, compiled.error());
    return out + '}';
  }
  evaluate_options opts;
  if (const value* d = req->get("depth"); d && d->is_number()) opts.max_depth = static_cast<int>(d->as_number());
  if (const value* t = req->get("timelimit"); t && t->is_number())
    opts.time_limit = std::chrono::milliseconds(static_cast<long long>(t->as_number()));
  bindings vars;
  if (const value* b = req->get("bindings"); b && b->is_object())
    for (const auto& [k, v] : b->obj().entries) vars.emplace_back(std::string(k.as_string()), v);
  const value* data = req->get("data");
  auto result = compiled->evaluate(data ? *data : value(), vars, opts);
  if (!result) {
    write_error(out, result.error());
  } else if (result->is_undefined()) {
    out += "\"undefined\":true";
  } else if (result->is_function()) {
    out += "\"result\":{\"$function\":true}";
  } else {
    out += "\"result\":";
    write_json(out, *result);
  }
  return out + '}';
}

}  // namespace

int run_batch(std::istream& in, std::ostream& out) {
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    out << answer(line) << '\n';
    out.flush();
  }
  return 0;
}

}  // namespace simpul::mappings::jsonata
