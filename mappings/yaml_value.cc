#include "mappings/yaml_value.h"

#include <cctype>
#include <cstdlib>
#include <string>

namespace simpul::mappings {
namespace {

// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

jsonata::value plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return jsonata::value::null();
  if (s == "true" || s == "True") return jsonata::value::boolean(true);
  if (s == "false" || s == "False") return jsonata::value::boolean(false);
  if (is_json_number(s)) return jsonata::value::number(std::strtod(s.c_str(), nullptr));
  return jsonata::value::string(s);
}

}  // namespace

jsonata::value yaml_to_value(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined: return {};
    case YAML::NodeType::Null: return jsonata::value::null();
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") return jsonata::value::string(node.Scalar());
      return plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      auto a = jsonata::value::new_array();
      for (const auto& item : node) a.push(yaml_to_value(item));
      return a;
    }
    case YAML::NodeType::Map: {
      auto o = jsonata::value::new_object();
      for (const auto& kv : node) {
        o.set(jsonata::value::string(kv.first.Scalar()), yaml_to_value(kv.second));
      }
      return o;
    }
  }
  return {};
}

}  // namespace simpul::mappings
