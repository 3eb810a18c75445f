#include "hub/config/config_loader.h"

#include <algorithm>
#include <memory>

#include "connectors/registry.h"
#include "hub/config/host_port.h"
#include "hub/config/hub_schema.h"
#include "hub/config/path.h"
#include "hub/config/route_checker.h"
#include "hub/config/spec_validator.h"
#include "hub/config/substitute.h"
#include "hub/config/suggest.h"
#include "hub/config/yaml_loader.h"

namespace simpul::config {
namespace {

/// One pass over a substituted tree: checks every section, fills defaults and
/// builds the typed config alongside (thrown away if anything was reported).
class config_checker {
 public:
  config_checker(const connectors::registry& reg, std::filesystem::path file,
                 std::vector<problem>& problems)
      : reg_(reg), file_(std::move(file)), problems_(problems), v_(problems) {
    names_.base_dir = file_.parent_path();
  }

  hub_config check(node& root) {
    hub_config cfg;
    cfg.file = file_;
    if (root.is_null()) {
      v_.report(root.where(), "(root)",
                "the config is empty (expected a map with hub, connectors, mappings, routes)");
      return cfg;
    }
    if (!v_.check_object(root, top_level_fields(), "", root.where())) return cfg;
    cfg.hub = hub_section(*root.find("hub"));
    if (node* c = root.find("connectors")) cfg.connectors = connectors_section(*c);
    if (node* m = root.find("mappings")) cfg.mappings = mappings_section(*m);
    if (node* r = root.find("routes")) cfg.routes = route_checker(v_, names_).check(*r);
    return cfg;
  }

 private:
  hub_settings hub_section(const node& hub) {
    hub_settings s;
    s.name = hub.get_string("name", s.name);
    s.data_dir = names_.base_dir / hub.get_string("data_dir", s.data_dir.string());
    s.log_level = hub.get_string("log_level", s.log_level);
    s.log_format = hub.get_string("log_format", s.log_format);
    s.threads = static_cast<int>(hub.get_int("threads", s.threads));
    s.shutdown_timeout = hub.get_duration("shutdown_timeout", s.shutdown_timeout);
    if (const node* admin = hub.find("admin"); admin && admin->is_map()) {
      if (auto hp = parse_host_port(admin->get_string("listen"))) {
        s.admin.host = hp->host;
        s.admin.port = hp->port;
      }
      s.admin.token = admin->get_string("token");
      s.admin.open_health = admin->get_bool("open_health", s.admin.open_health);
    }
    return s;
  }

  std::vector<connector_config> connectors_section(node& section) {
    std::vector<connector_config> out;
    if (section.is_null()) return out;
    if (!section.is_map()) {
      v_.report(
          section.where(), "connectors",
          "got " + spec_validator::describe(section) + " (expected a map of named connectors)");
      return out;
    }
    for (auto& e : section.entries()) {
      std::string path = child_path("connectors", e.key);
      check_name(e, path, "connector");
      names_.connectors[e.key] = nullptr;
      if (!e.value.is_map()) {
        v_.report(e.value.where(), path,
                  "got " + spec_validator::describe(e.value) + " (expected a map with 'type')");
        continue;
      }
      const connectors::connector_factory* factory = factory_for(e.value, path, e.key_mark);
      if (!factory) continue;
      const auto& spec = factory->spec();
      names_.connectors[e.key] = &spec;
      std::size_t before = problems_.size();
      v_.check_object(e.value, spec.fields, path, e.key_mark, {"type"});
      // Cross-field rules assume the fields themselves are sound.
      if (problems_.size() == before) {
        for (auto& [where, message] : factory->check(e.value)) v_.report(where, path, message);
      }
      out.push_back(
          connector_config{e.key, spec.type, std::make_shared<const node>(e.value), e.key_mark});
    }
    return out;
  }

  const connectors::connector_factory* factory_for(const node& conn, const std::string& path,
                                                   const mark& key_mark) {
    const node* type = conn.find("type");
    if (!type) {
      v_.report(
          key_mark, path,
          "missing required field 'type' (expected one of: " + join_names(reg_.names()) + ")");
      return nullptr;
    }
    std::string type_path = child_path(path, "type");
    if (!type->is_scalar()) {
      v_.report(type->where(), type_path,
                "got " + spec_validator::describe(*type) + " (expected a connector type)");
      return nullptr;
    }
    if (const auto* f = reg_.find(type->text())) return f;
    auto known = reg_.names();
    std::string msg = "unknown connector type '" + type->display() + "' (";
    msg += known.empty() ? "this build has no connector types" : "known: " + join_names(known);
    if (auto guess = closest_match(type->text(), known)) msg += "; did you mean '" + *guess + "'?";
    v_.report(type->where(), type_path, msg + ")");
    return nullptr;
  }

  std::vector<mapping_ref> mappings_section(const node& section) {
    std::vector<mapping_ref> out;
    if (!section.is_map()) return out;  // reported by the top-level spec
    for (const auto& e : section.entries()) {
      std::string path = child_path("mappings", e.key);
      check_name(e, path, "mapping");
      if (!e.value.is_scalar()) continue;  // reported already
      std::filesystem::path file = names_.base_dir / e.value.text();
      v_.check_file_exists(e.value, file, path, "mapping file");
      names_.mappings[e.key] = file;
      out.push_back(mapping_ref{e.key, file, e.key_mark});
    }
    return out;
  }

  void check_name(const map_entry& e, const std::string& path, const char* what) {
    if (!valid_name(e.key)) {
      v_.report(e.key_mark, path,
                std::string("invalid ") + what +
                    " name (expected lower-case letters, digits, '_' and '-')");
    }
  }

  const connectors::registry& reg_;
  std::filesystem::path file_;
  std::vector<problem>& problems_;
  spec_validator v_;
  route_names names_;
};

config_result finish(std::optional<node> root, const std::filesystem::path& file,
                     const connectors::registry& reg, std::vector<problem> problems) {
  if (!root) {
    sort_problems(problems);
    return std::unexpected(std::move(problems));
  }
  substitute_secrets(*root, file.parent_path(), problems);
  hub_config cfg = config_checker(reg, file, problems).check(*root);
  if (!problems.empty()) {
    sort_problems(problems);
    return std::unexpected(std::move(problems));
  }
  cfg.root = std::make_shared<const node>(std::move(*root));
  return cfg;
}

}  // namespace

void sort_problems(std::vector<problem>& problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const problem& a, const problem& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) <
           std::tie(b.where.file, b.where.line, b.where.column);
  });
}

config_result load_config(const std::filesystem::path& file, const connectors::registry& reg) {
  std::vector<problem> problems;
  auto root = load_yaml_file(file, problems);
  return finish(std::move(root), file, reg, std::move(problems));
}

config_result load_config_text(std::string_view yaml, const std::filesystem::path& file,
                               const connectors::registry& reg) {
  std::vector<problem> problems;
  auto root = parse_yaml(yaml, file.string(), problems);
  return finish(std::move(root), file, reg, std::move(problems));
}

}  // namespace simpul::config
