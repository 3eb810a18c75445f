#include "hub/config/route_checker.h"

#include <algorithm>
#include <charconv>
#include <memory>

#include "hub/config/hub_schema.h"
#include "hub/config/path.h"
#include "hub/config/suggest.h"

namespace simpul::config {
namespace {

template <class Map>
std::vector<std::string> keys_of(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

/// "unknown connector 'x' (known: a, b; did you mean 'y'?)"
template <class Map>
std::string unknown_name(const std::string& what, const std::string& name, const Map& known) {
  auto names = keys_of(known);
  std::string msg = "unknown " + what + " '" + name + "' (";
  msg += names.empty() ? "none is defined" : "known: " + join_names(names);
  if (auto guess = closest_match(name, names)) msg += "; did you mean '" + *guess + "'?";
  return msg + ")";
}

}  // namespace

std::vector<route_config> route_checker::check(node& routes) {
  std::vector<route_config> out;
  if (routes.is_null()) return out;
  if (!routes.is_map()) {
    v_.report(routes.where(), "routes",
              "got " + spec_validator::describe(routes) + " (expected a map of named routes)");
    return out;
  }
  for (auto& e : routes.entries()) {
    if (!valid_name(e.key)) {
      v_.report(e.key_mark, child_path("routes", e.key),
                "invalid route name (expected lower-case letters, digits, '_' and '-')");
    }
    out.push_back(check_route(e.key, e.value, e.key_mark));
  }
  return out;
}

route_config route_checker::check_route(const std::string& name, node& route,
                                        const mark& key_mark) {
  route_config r;
  r.name = name;
  r.where = key_mark;
  std::string path = child_path("routes", name);
  if (!v_.check_object(route, route_fields(), path, key_mark)) return r;

  const component_spec* input = nullptr;
  if (node* from = route.find("from")) input = check_from(r, *from, child_path(path, "from"));
  if (node* steps = route.find("steps")) check_steps(r, *steps, child_path(path, "steps"));
  node* to = route.find("to");
  if (to) check_to(r, *to, child_path(path, "to"));

  r.when = route.get_string("when");
  const std::string mode_text = route.get_string("mode");
  r.mode = mode_text == "request_reply" ? route_mode::request_reply
           : mode_text == "forward"     ? route_mode::forward
                                        : route_mode::accept;
  if (r.mode == route_mode::request_reply) {
    const node* mode = route.find("mode");
    if (input && !input->request_reply) {
      v_.report(mode->where(), child_path(path, "mode"),
                "input '" + r.from + "' (type " + input->type +
                    ") cannot wait for a reply (expected mode: accept, or an input that "
                    "supports request_reply)");
    }
    // Several outputs are fine when each but the last has a `when`: the
    // first that matches answers (content-based choice of the service).
    for (std::size_t i = 0; to && i + 1 < r.to.size(); ++i) {
      if (!r.to[i].when.empty()) continue;
      v_.report(to->where(), child_path(path, "to"),
                "a request_reply route answers with one output's reply (expected one output, "
                "or a `when` on every output but the last; output " +
                    std::to_string(i) + " has none)");
      break;
    }
  }
  if (const node* reply = route.find("reply_map")) {
    r.reply_map = reply->text();
    if (r.mode != route_mode::request_reply) {
      v_.report(reply->where(), child_path(path, "reply_map"),
                "reply_map needs mode: request_reply (only a waiting caller gets an answer)");
    } else if (!names_.mappings.contains(r.reply_map)) {
      v_.report(reply->where(), child_path(path, "reply_map"),
                unknown_name("mapping", reply->display(), names_.mappings));
    }
  }
  r.ordered = route.get_bool("ordered");
  if (r.ordered && r.mode == route_mode::forward) {
    v_.report(route.find("ordered")->where(), child_path(path, "ordered"),
              "ordered needs mode: accept (a forward route keeps no queue to hold a key's later "
              "messages behind a retry)");
  }
  if (const node* retry = route.find("retry")) {
    r.retry.max_attempts = static_cast<int>(retry->get_int("max_attempts", r.retry.max_attempts));
    r.retry.initial_backoff = retry->get_duration("initial_backoff", r.retry.initial_backoff);
    r.retry.max_backoff = retry->get_duration("max_backoff", r.retry.max_backoff);
    r.retry.multiplier = retry->get_number("multiplier", r.retry.multiplier);
  }
  r.timeout = route.get_duration("timeout", r.timeout);
  r.durability = route.get_string("durability", r.durability);
  r.max_messages = static_cast<std::uint64_t>(
      route.get_int("max_messages", static_cast<std::int64_t>(r.max_messages)));
  r.max_bytes = route.get_size("max_bytes", r.max_bytes);
  return r;
}

const component_spec* route_checker::connector_for(const node& at, const std::string& path,
                                                   bool as_input) {
  if (!at.is_scalar() || at.text().empty()) {
    v_.report(at.where(), path,
              "got " + spec_validator::describe(at) + " (expected a connector name)");
    return nullptr;
  }
  auto it = names_.connectors.find(at.text());
  if (it == names_.connectors.end()) {
    v_.report(at.where(), path, unknown_name("connector", at.display(), names_.connectors));
    return nullptr;
  }
  const component_spec* spec = it->second;
  if (!spec) return nullptr;  // its type is unknown: reported at the connector
  if (as_input && !spec->input) {
    v_.report(at.where(), path,
              "connector '" + at.text() + "' (type " + spec->type +
                  ") is an output only (expected an input connector in 'from')");
    return nullptr;
  }
  if (!as_input && !spec->output) {
    v_.report(at.where(), path,
              "connector '" + at.text() + "' (type " + spec->type +
                  ") is an input only (expected an output connector in 'to')");
    return nullptr;
  }
  return spec;
}

route_checker::connector_ref route_checker::check_ref(node& entry, const std::string& path,
                                                      bool as_input) {
  connector_ref ref;
  if (entry.is_scalar()) {
    ref.spec = connector_for(entry, path, as_input);
    ref.name = entry.text();
  } else if (entry.is_map()) {
    if (const node* name = entry.find("connector")) {
      ref.spec = connector_for(*name, child_path(path, "connector"), as_input);
      ref.name = name->text();
    } else {
      v_.report(entry.where(), path,
                "missing required field 'connector' (expected a connector name)");
    }
  } else {
    v_.report(entry.where(), path,
              "got " + spec_validator::describe(entry) +
                  " (expected a connector name or {connector: NAME, ...})");
    ref.ok = false;
    return ref;
  }
  // The short form gets the defaults of the options too (and fails on
  // required ones). Options of an unknown connector or type stay unchecked:
  // that mistake is reported already, guessing its fields would add noise.
  node options = entry.is_map() ? entry : node(node::kind::map, entry.where());
  if (ref.spec && as_input) {
    v_.check_object(options, ref.spec->route_fields, path, entry.where(), {"connector"});
  } else if (ref.spec) {
    v_.check_object(options, ref.spec->output_fields, path, entry.where(),
                    {"connector", "when", "concurrency"});
  }
  if (entry.is_map()) entry = options;  // defaults filled in the tree, too
  ref.options = std::make_shared<const node>(std::move(options));
  return ref;
}

const component_spec* route_checker::check_from(route_config& r, node& from,
                                                const std::string& path) {
  // `dedup` belongs to the hub, not to the input's options: take it out
  // before those are checked against the connector's route fields.
  if (from.is_map()) {
    auto& es = from.entries();
    auto it = std::find_if(es.begin(), es.end(), [](const map_entry& e) { return e.key == "dedup"; });
    if (it != es.end()) {
      node d = std::move(it->value);
      es.erase(it);
      check_dedup(r, d, child_path(path, "dedup"));
    }
  }
  auto ref = check_ref(from, path, true);
  r.from = ref.name;
  r.from_options = ref.options;
  return ref.spec;
}

void route_checker::check_dedup(route_config& r, const node& d, const std::string& path) {
  const node* key = d.is_map() ? d.find("key") : nullptr;
  if (!key || !key->is_scalar() || key->text().empty()) {
    v_.report(d.where(), path,
              "expected {key: header:NAME | JSONata expression, window: DURATION}");
    return;
  }
  for (const auto& e : d.entries()) {
    if (e.key != "key" && e.key != "window") {
      v_.report(e.key_mark, child_path(path, e.key), "unknown field (expected key or window)");
    }
  }
  r.dedup.enabled = true;
  r.dedup.where = d.where();
  constexpr std::string_view header_prefix = "header:";
  if (key->text().starts_with(header_prefix)) {
    r.dedup.header = key->text().substr(header_prefix.size());
    if (r.dedup.header.empty()) v_.report(key->where(), child_path(path, "key"), "header name is empty");
  } else {
    r.dedup.expression = key->text();
  }
  if (const node* w = d.find("window")) {
    result<std::chrono::milliseconds> parsed = make_error("config.type", "not a scalar");
    if (w->is_scalar()) parsed = parse_duration(w->text());
    if (!parsed || parsed->count() <= 0) {
      v_.report(w->where(), child_path(path, "window"),
                "got " + spec_validator::describe(*w) + " (expected a duration such as 24h)");
    } else {
      r.dedup.window = *parsed;
    }
  }
}

void route_checker::check_steps(route_config& r, node& steps, const std::string& path) {
  if (steps.is_null()) return;
  if (!steps.is_sequence()) {
    v_.report(steps.where(), path,
              "got " + spec_validator::describe(steps) + " (expected a list of steps)");
    return;
  }
  std::vector<std::string> kinds;
  for (const auto& k : step_kinds()) kinds.push_back(k.name);
  for (std::size_t i = 0; i < steps.items().size(); ++i) {
    node& item = steps.items()[i];
    std::string item_path = index_path(path, i);
    if (!item.is_map() || item.entries().size() != 1) {
      v_.report(item.where(), item_path,
                "got " + spec_validator::describe(item) +
                    " (expected a one-key map: validate, map, filter or split)");
      continue;
    }
    auto& [kind, key_mark, value] = item.entries().front();
    std::string step_path = child_path(item_path, kind);
    step_config step;
    step.where = key_mark;
    if (kind == "split" && value.is_null()) {
      value = node(node::kind::scalar, key_mark);
      value.set_text("$");
    }
    bool known = kind == "validate" || kind == "map" || kind == "filter" || kind == "split";
    if (!known) {
      std::string msg = "unknown step '" + kind + "' (expected one of: " + join_names(kinds);
      if (auto guess = closest_match(kind, kinds)) msg += "; did you mean '" + *guess + "'?";
      v_.report(key_mark, step_path, msg + ")");
      continue;
    }
    if (!value.is_scalar() || value.text().empty()) {
      v_.report(value.is_null() ? key_mark : value.where(), step_path,
                "got " + spec_validator::describe(value) + " (expected a string)");
      continue;
    }
    step.arg = value.text();
    if (kind == "validate") {
      step.type = step_config::kind::validate;
      std::filesystem::path file = names_.base_dir / value.text();
      v_.check_file_exists(value, file, step_path, "schema file");
      step.arg = file.string();
    } else if (kind == "map") {
      step.type = step_config::kind::map;
      if (!names_.mappings.contains(value.text()))
        v_.report(value.where(), step_path,
                  unknown_name("mapping", value.display(), names_.mappings));
    } else if (kind == "filter") {
      step.type = step_config::kind::filter;
    } else {
      step.type = step_config::kind::split;
    }
    r.steps.push_back(std::move(step));
  }
}

void route_checker::check_to(route_config& r, node& to, const std::string& path) {
  if (to.is_scalar() || to.is_map()) {
    check_target(r, to, path);
  } else if (to.is_sequence() && !to.items().empty()) {
    for (std::size_t i = 0; i < to.items().size(); ++i)
      check_target(r, to.items()[i], index_path(path, i));
  } else {
    v_.report(to.where(), path,
              "route has no output (expected a connector name or a list of outputs)");
  }
}

void route_checker::check_target(route_config& r, node& entry, const std::string& path) {
  auto ref = check_ref(entry, path, false);
  if (!ref.ok) return;
  target_config t;
  t.where = entry.where();
  t.connector = ref.name;
  if (const node* when = entry.is_map() ? entry.find("when") : nullptr) {
    if (when->is_scalar()) {
      t.when = when->text();
    } else {
      v_.report(when->where(), child_path(path, "when"),
                "got " + spec_validator::describe(*when) + " (expected a JSONata condition)");
    }
  }
  if (const node* c = entry.is_map() ? entry.find("concurrency") : nullptr) {
    int n = 0;
    const std::string& text = c->is_scalar() ? c->text() : std::string();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (c->is_scalar() && ec == std::errc{} && end == text.data() + text.size() && n >= 1 &&
        n <= 4096) {
      t.concurrency = n;
    } else {
      v_.report(c->where(), child_path(path, "concurrency"),
                "got " + spec_validator::describe(*c) + " (expected a whole number 1..4096)");
    }
  }
  t.options = ref.options;
  r.to.push_back(std::move(t));
}

}  // namespace simpul::config
