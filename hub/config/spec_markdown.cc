#include "hub/config/spec_markdown.h"

#include <cstdio>

#include "connectors/registry.h"
#include "hub/config/hub_schema.h"

namespace simpul::config {
namespace {

// Table cells cannot hold a raw '|'.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string type_cell(const field_spec& f) {
  std::string t = to_string(f.type);
  if (!f.allowed.empty()) {
    t = "";
    for (const auto& a : f.allowed) t += (t.empty() ? "`" : " | `") + a + "`";
  }
  if (f.min) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", *f.min);
    t += std::string(", >= ") + buf;
  }
  if (f.secret) t += ", secret";
  return t;
}

void rows(std::string& out, const std::vector<field_spec>& fields, const std::string& prefix) {
  for (const auto& f : fields) {
    std::string name = prefix + f.name;
    std::string def = f.required                ? "required"
                      : f.default_value.empty() ? ""
                                                : "`" + f.default_value + "`";
    std::string doc = f.doc;
    if (!f.example.empty())
      doc += (doc.empty() ? "" : " ") + std::string("Example: `") + f.example + "`.";
    out +=
        "| `" + name + "` | " + cell(type_cell(f)) + " | " + cell(def) + " | " + cell(doc) + " |\n";
    if (f.type == field_type::object) rows(out, f.fields, name + ".");
    if (f.type == field_type::object_list) rows(out, f.fields, name + "[].");
  }
}

}  // namespace

std::string fields_markdown(const std::vector<field_spec>& fields) {
  if (fields.empty()) return "_none_\n";
  std::string out = "| key | type | default | description |\n|---|---|---|---|\n";
  rows(out, fields, "");
  return out;
}

std::string hub_reference_markdown() {
  std::string out;
  out += "### `hub:`\n\n" + fields_markdown(hub_fields());
  out += "\n### `routes.NAME:`\n\n" + fields_markdown(route_fields());
  out += "\n### `from:` as an object\n\nThese keys plus the input's route options.\n\n" +
         fields_markdown(route_from_fields());
  out += "\n### `to:` entries as objects\n\nThese keys plus the output's options.\n\n" +
         fields_markdown(route_to_fields());
  out += "\n### `steps:` items\n\nEach item is a map with exactly one of these keys.\n\n" +
         fields_markdown(step_kinds());
  return out;
}

std::string connectors_markdown(const connectors::registry& reg) {
  std::string out;
  auto names = reg.names();
  if (names.empty()) return "_No connector types are compiled into this build._\n";
  for (const auto& name : names) {
    const auto& spec = reg.find(name)->spec();
    std::string roles;
    if (spec.input) roles += "input";
    if (spec.output) roles += roles.empty() ? "output" : ", output";
    if (spec.request_reply) roles += ", request_reply";
    out += "### `" + spec.type + "`\n\n" + spec.summary + "\n\nUsable as: " + roles + "\n\n";
    out += "Fields (`connectors.NAME:`, besides `type`):\n\n" + fields_markdown(spec.fields);
    if (spec.input) out += "\nRoute options (`from:`):\n\n" + fields_markdown(spec.route_fields);
    if (spec.output)
      out += "\nOutput options (`to:` entries):\n\n" + fields_markdown(spec.output_fields);
    out += "\n";
  }
  return out;
}

}  // namespace simpul::config
