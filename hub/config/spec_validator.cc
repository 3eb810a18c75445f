#include "hub/config/spec_validator.h"

#include <algorithm>
#include <charconv>

#include "hub/config/host_port.h"
#include "hub/config/path.h"
#include "hub/config/suggest.h"
#include "hub/config/yaml_loader.h"

namespace simpul::config {
namespace {

std::string expected_type(const field_spec& f) {
  switch (f.type) {
    case field_type::string:
      return "a string";
    case field_type::integer:
      return "a whole number";
    case field_type::number:
      return "a number";
    case field_type::boolean:
      return "true or false";
    case field_type::duration:
      return "a duration such as 250ms, 30s, 5m";
    case field_type::size:
      return "a size such as 512, 64KiB, 1MiB";
    case field_type::string_list:
      return "a string or a list of strings";
    case field_type::string_map:
      return "a map of strings";
    case field_type::object:
      return "a map";
    case field_type::object_list:
      return "a list of maps";
    case field_type::any:
      return "any value";
    case field_type::host_port:
      return "host:port";
  }
  return "?";
}

bool is_scalar_type(field_type t) {
  switch (t) {
    case field_type::string:
    case field_type::integer:
    case field_type::number:
    case field_type::boolean:
    case field_type::duration:
    case field_type::size:
    case field_type::host_port:
      return true;
    default:
      return false;
  }
}

std::string format_number(double v) {
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, p) : "?";
}

// The parse helpers quote the text they reject; a secret must not be quoted.
std::string safe_parse_message(const node& n, const std::string& message) {
  if (!n.secret()) return message;
  auto pos = message.find(" is not ");
  return pos == std::string::npos ? "'<secret>' is not valid" : "'<secret>'" + message.substr(pos);
}

}  // namespace

void spec_validator::report(const mark& where, const std::string& path, std::string message) {
  problems_.push_back({where, path.empty() ? "(root)" : path, std::move(message)});
}

bool spec_validator::check_file_exists(const node& value, const std::filesystem::path& file,
                                       const std::string& path, const char* what) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(file, ec)) return true;
  std::string msg = std::string(what) + " '" + value.display() + "' does not exist";
  // The resolved path repeats the value: leave it out when that is secret.
  if (!value.secret()) msg += " (looked for " + file.string() + ")";
  report(value.where(), path, std::move(msg));
  return false;
}

std::string spec_validator::describe(const node& n) {
  switch (n.type()) {
    case node::kind::null:
      return "nothing";
    case node::kind::map:
      return "a map";
    case node::kind::sequence:
      return "a list";
    case node::kind::scalar:
      return "'" + n.display() + "'";
  }
  return "?";
}

bool spec_validator::check_object(node& obj, const std::vector<field_spec>& fields,
                                  const std::string& path, const mark& owner,
                                  std::initializer_list<std::string_view> extra_keys) {
  if (obj.is_null()) obj = node(node::kind::map, obj.where());
  if (!obj.is_map()) {
    report(obj.where(), path, "got " + describe(obj) + " (expected a map)");
    return false;
  }
  std::vector<std::string> known;
  for (const auto& f : fields) known.push_back(f.name);
  for (auto k : extra_keys) known.emplace_back(k);

  for (auto& e : obj.entries()) {
    auto f = std::find_if(fields.begin(), fields.end(),
                          [&](const field_spec& s) { return s.name == e.key; });
    if (f != fields.end()) {
      check_value(e.value, *f, child_path(path, e.key));
      continue;
    }
    if (std::find(extra_keys.begin(), extra_keys.end(), e.key) != extra_keys.end()) continue;
    std::string msg = "unknown key '" + e.key + "'";
    if (auto guess = closest_match(e.key, known)) {
      msg += " (did you mean '" + *guess + "'?)";
    } else if (known.empty()) {
      msg += " (no options are allowed here)";
    } else {
      msg += " (expected one of: " + join_names(known) + ")";
    }
    report(e.key_mark, child_path(path, e.key), std::move(msg));
  }

  for (const auto& f : fields) {
    if (obj.find(f.name)) continue;
    if (f.required) {
      report(owner, path,
             "missing required field '" + f.name + "' (expected " + expected_type(f) + ")");
      continue;
    }
    fill_default(obj, f, path);
  }
  return true;
}

void spec_validator::fill_default(node& obj, const field_spec& f, const std::string& path) {
  if (f.type == field_type::object && f.default_value.empty()) {
    // An optional section left out still gets its nested defaults, unless it
    // has required fields of its own (then leaving it out means "not used").
    bool has_required = std::any_of(f.fields.begin(), f.fields.end(),
                                    [](const field_spec& s) { return s.required; });
    if (has_required) return;
    node& added = obj.set(f.name, node(node::kind::map, obj.where()));
    check_object(added, f.fields, child_path(path, f.name), obj.where());
    return;
  }
  if (f.default_value.empty()) return;
  if (is_scalar_type(f.type)) {
    node value(node::kind::scalar, obj.where());
    value.set_text(f.default_value);
    obj.set(f.name, std::move(value));
    return;
  }
  // Lists and maps are written as YAML flow text in the spec ("[GET, POST]").
  std::vector<problem> ignored;
  auto parsed = parse_yaml(f.default_value, obj.where().file, ignored);
  if (!parsed) return;
  node& added = obj.set(f.name, std::move(*parsed));
  check_value(added, f, child_path(path, f.name));
}

void spec_validator::check_value(node& value, const field_spec& f, const std::string& path) {
  if (is_scalar_type(f.type)) {
    if (check_scalar(value, f, path)) check_text(value, f, path);
    return;
  }
  switch (f.type) {
    case field_type::string_list:
      if (value.is_scalar()) {
        check_text(value, f, path);
      } else if (value.is_sequence()) {
        for (std::size_t i = 0; i < value.items().size(); ++i) {
          node& item = value.items()[i];
          if (!item.is_scalar()) {
            report(item.where(), index_path(path, i),
                   "got " + describe(item) + " (expected a string)");
          } else {
            check_text(item, f, index_path(path, i));
          }
        }
      } else {
        report(value.where(), path,
               "got " + describe(value) + " (expected " + expected_type(f) + ")");
      }
      return;
    case field_type::string_map:
      if (value.is_null()) {
        value = node(node::kind::map, value.where());
      } else if (!value.is_map()) {
        report(value.where(), path, "got " + describe(value) + " (expected a map of strings)");
        return;
      }
      for (auto& e : value.entries()) {
        if (!e.value.is_scalar())
          report(e.value.where(), child_path(path, e.key),
                 "got " + describe(e.value) + " (expected a string)");
      }
      return;
    case field_type::object:
      check_object(value, f.fields, path, value.where());
      return;
    case field_type::object_list:
      if (!value.is_sequence()) {
        report(value.where(), path, "got " + describe(value) + " (expected a list of maps)");
        return;
      }
      for (std::size_t i = 0; i < value.items().size(); ++i) {
        node& item = value.items()[i];
        check_object(item, f.fields, index_path(path, i), item.where());
      }
      return;
    default:
      return;  // any
  }
}

bool spec_validator::check_scalar(node& value, const field_spec& f, const std::string& path) {
  if (value.is_scalar()) return true;
  report(value.where(), path, "got " + describe(value) + " (expected " + expected_type(f) + ")");
  return false;
}

void spec_validator::check_text(const node& value, const field_spec& f, const std::string& path) {
  const std::string& t = value.text();
  const mark& at = value.where();
  if (f.secret && !value.secret()) {
    report(at, path, "secret values must come from ${env:...} or ${file:...}");
    return;
  }
  std::optional<double> number;
  switch (f.type) {
    case field_type::integer: {
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || ec != std::errc() || p != t.data() + t.size()) {
        report(at, path, "'" + value.display() + "' is not a whole number (expected e.g. 10)");
        return;
      }
      number = static_cast<double>(v);
      break;
    }
    case field_type::number: {
      double v = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || ec != std::errc() || p != t.data() + t.size()) {
        report(at, path, "'" + value.display() + "' is not a number (expected e.g. 2 or 1.5)");
        return;
      }
      number = v;
      break;
    }
    case field_type::boolean:
      if (!parse_bool(t))
        report(at, path, "'" + value.display() + "' is not a boolean (expected true or false)");
      return;
    case field_type::duration:
      if (auto d = parse_duration(t); !d)
        report(at, path, safe_parse_message(value, d.error().message));
      return;
    case field_type::size:
      if (auto s = parse_size(t); !s)
        report(at, path, safe_parse_message(value, s.error().message));
      return;
    case field_type::host_port:
      if (auto h = parse_host_port(t); !h)
        report(at, path, safe_parse_message(value, h.error().message));
      return;
    default:
      break;
  }
  if (number && f.min && *number < *f.min) {
    report(
        at, path,
        "'" + value.display() + "' is too small (expected at least " + format_number(*f.min) + ")");
    return;
  }
  if (!f.allowed.empty() && std::find(f.allowed.begin(), f.allowed.end(), t) == f.allowed.end()) {
    std::string msg =
        "'" + value.display() + "' is not allowed (expected one of: " + join_names(f.allowed);
    if (auto guess = closest_match(t, f.allowed); guess && !value.secret())
      msg += "; did you mean '" + *guess + "'?";
    report(at, path, msg + ")");
  }
}

}  // namespace simpul::config
