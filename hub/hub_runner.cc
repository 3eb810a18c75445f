#include "hub/hub_runner.h"

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hub/config/config_loader.h"
#include "monitoring/json_escape.h"
#include "monitoring/log.h"

namespace simpul::hub {
namespace {

using monitoring::append_json_string;

const monitoring::logger& log() {
  static const monitoring::logger l("reload");
  return l;
}

/// The node's content without positions: two configs that differ only in
/// layout or comments print the same.
void canonical(const config::node& n, std::string& out) {
  switch (n.type()) {
    case config::node::kind::null: out += '~'; break;
    case config::node::kind::scalar:
      out += std::to_string(n.text().size()) + ':' + n.text();
      break;
    case config::node::kind::sequence:
      out += '[';
      for (const auto& i : n.items()) canonical(i, out), out += ',';
      out += ']';
      break;
    case config::node::kind::map:
      out += '{';
      for (const auto& e : n.entries()) {
        out += std::to_string(e.key.size()) + ':' + e.key + '=';
        canonical(e.value, out);
        out += ',';
      }
      out += '}';
      break;
  }
}

std::string section_entry(const config::hub_config& c, std::string_view section,
                          std::string_view name) {
  std::string out;
  if (!c.root) return out;
  const auto* s = c.root->find(section);
  const auto* e = s ? s->find(name) : nullptr;
  if (e) canonical(*e, out);
  return out;
}

std::string file_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Everything a route's behaviour depends on: its own section, the
/// connectors it uses and the text of the mapping (and schema) files its
/// steps load.
std::string route_fingerprint(const config::hub_config& c, const config::route_config& rc) {
  std::string fp = section_entry(c, "routes", rc.name);
  fp += "|from=" + section_entry(c, "connectors", rc.from);
  for (const auto& t : rc.to) fp += "|to=" + section_entry(c, "connectors", t.connector);
  for (const auto& s : rc.steps) {
    if (const auto* m = c.find_mapping(s.arg); m && s.type == config::step_config::kind::map) {
      fp += "|map=" + file_text(m->file);
    } else if (s.type == config::step_config::kind::validate) {
      fp += "|schema=" + file_text(s.arg);
    }
  }
  return fp;
}

void append_names(std::string& b, std::string_view key, const std::vector<std::string>& names) {
  append_json_string(b, key);
  b += ":[";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) b += ',';
    append_json_string(b, names[i]);
  }
  b += ']';
}

}  // namespace

hub_runner::hub_runner(hub::services svc, std::filesystem::path file, std::shared_ptr<admin_api> api)
    : svc_(svc), file_(std::move(file)), api_(std::move(api)) {}

result<void> hub_runner::start(std::shared_ptr<const config::hub_config> cfg) {
  auto stores = durable_stores::open(cfg->hub.data_dir);
  if (!stores) return std::unexpected(stores.error());
  stores_ = std::move(*stores);
  auto built = hub::build(cfg, svc_, stores_);
  if (!built) return std::unexpected(built.error());
  std::shared_ptr<hub> h = std::move(*built);
  {
    std::lock_guard lock(mu_);
    current_ = h;
  }
  api_->set_hub(h);
  return h->start();
}

std::shared_ptr<hub> hub_runner::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

void hub_runner::classify(const config::hub_config& before, const config::hub_config& after,
                          reload_report& r) const {
  std::map<std::string, std::string> old_fp;
  for (const auto& rc : before.routes) old_fp[rc.name] = route_fingerprint(before, rc);
  std::set<std::string> now;
  for (const auto& rc : after.routes) {
    now.insert(rc.name);
    auto it = old_fp.find(rc.name);
    if (it == old_fp.end()) {
      r.added.push_back(rc.name);
    } else if (it->second == route_fingerprint(after, rc)) {
      r.unchanged.push_back(rc.name);
    } else {
      r.changed.push_back(rc.name);
    }
  }
  for (const auto& [name, fp] : old_fp) {
    if (!now.contains(name)) r.removed.push_back(name);
  }
  const auto& a = before.hub;
  const auto& b = after.hub;
  if (a.admin.host != b.admin.host || a.admin.port != b.admin.port ||
      a.admin.token != b.admin.token || a.admin.open_health != b.admin.open_health) {
    r.warnings.push_back("hub.admin changed: takes effect after a restart");
  }
  if (a.threads != b.threads) r.warnings.push_back("hub.threads changed: takes effect after a restart");
  for (const auto& name : r.changed) {
    const auto* x = [&]() -> const config::route_config* {
      for (const auto& rc : before.routes) if (rc.name == name) return &rc;
      return nullptr;
    }();
    const auto* y = [&]() -> const config::route_config* {
      for (const auto& rc : after.routes) if (rc.name == name) return &rc;
      return nullptr;
    }();
    if (x && y && (x->durability != y->durability || x->max_messages != y->max_messages ||
                   x->max_bytes != y->max_bytes)) {
      r.warnings.push_back("route '" + name +
                           "': spool durability and limits take effect after a restart");
    }
  }
}

hub_runner::reload_report hub_runner::reload() {
  std::lock_guard serial(reload_mu_);
  reload_report r;
  auto old = current();
  if (!old) {
    r.code = "reload.not_running";
    r.message = "the hub is not running";
    return r;
  }
  log().info("reloading " + file_.string());
  auto loaded = config::load_config(file_, svc_.registry);
  if (!loaded) {
    r.code = "config.invalid";
    r.problems = std::move(loaded.error());
    r.message = std::to_string(r.problems.size()) + " problem(s) in " + file_.string() +
                "; the running config stays";
    for (const auto& p : r.problems) log().error(config::format_problem(p));
    log().error("reload refused: " + r.message);
    old->audit_admin_action("reload", "admin", r.code);
    return r;
  }
  auto cfg = std::make_shared<const config::hub_config>(std::move(*loaded));
  if (cfg->hub.data_dir != old->config().hub.data_dir) {
    r.code = "reload.data_dir";
    r.message = "hub.data_dir cannot change on reload (restart the hub to move it)";
    log().error("reload refused: " + r.message);
    old->audit_admin_action("reload", "admin", r.code);
    return r;
  }
  auto built = hub::build(cfg, svc_, stores_);
  if (!built) {
    r.code = built.error().code;
    r.message = built.error().message + "; the running config stays";
    log().error("reload refused: " + r.message);
    old->audit_admin_action("reload", "admin", r.code);
    return r;
  }
  std::shared_ptr<hub> next = std::move(*built);
  classify(old->config(), *cfg, r);

  // The switch: free the old listeners, then start the new generation.
  old->stop_accepting();
  if (auto s = start_switched(*next); !s) {
    next->stop();
    r.code = s.error().code;
    r.message = "the new config did not start (" + s.error().message +
                "); restarted the previous config";
    log().error("reload failed: " + s.error().message);
    // The old generation's inputs cannot reopen: run its config afresh.
    auto again = hub::build(old->config_ptr(), svc_, stores_);
    if (!again || !start_switched(**again)) {
      log().error("could not restart the previous config; the hub keeps delivering but takes no input");
      return r;
    }
    next = std::move(*again);
    r.unchanged.clear(), r.changed.clear(), r.added.clear(), r.removed.clear();
  } else {
    r.applied = true;
  }
  {
    std::lock_guard lock(mu_);
    current_ = next;
  }
  api_->set_hub(next);
  std::set<std::string> names;
  for (const auto& rc : next->config().routes) names.insert(rc.name);
  stores_->retain_only(names);
  retire(old);
  next->audit_admin_action("reload", "admin", r.applied ? "ok" : r.code);
  if (r.applied) {
    log().info("reloaded: " + std::to_string(r.unchanged.size()) + " routes unchanged, " +
               std::to_string(r.changed.size()) + " changed, " + std::to_string(r.added.size()) +
               " added, " + std::to_string(r.removed.size()) + " removed");
    for (const auto& w : r.warnings) log().warn(w);
  }
  return r;
}

result<void> hub_runner::start_switched(hub& next) {
  if (auto r = next.start_delivery(); !r) return r;
  // The old listeners close on their own strands (another io thread): until
  // they did, a port they held is still taken. Retry for a moment.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  for (;;) {
    auto r = next.start_inputs();
    if (r || std::chrono::steady_clock::now() >= deadline) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void hub_runner::retire(std::shared_ptr<hub> old) {
  {
    std::lock_guard lock(mu_);
    retiring_.push_back(old);
  }
  // Whichever comes first — drained, or the deadline — stops it; what it
  // hands back stays in the shared spool and the current generation takes it.
  auto once = std::make_shared<std::atomic<bool>>(false);
  auto timer = std::make_shared<boost::asio::steady_timer>(svc_.io);
  auto finish = [this, old, once, timer] {
    if (once->exchange(true)) return;
    timer->cancel();
    old->stop();
    std::shared_ptr<hub> cur;
    {
      std::lock_guard lock(mu_);
      std::erase(retiring_, old);
      cur = current_;
    }
    if (cur) cur->kick();
    log().info("previous configuration stopped");
  };
  timer->expires_after(old->config().hub.shutdown_timeout);
  timer->async_wait([finish](boost::system::error_code ec) {
    if (!ec) finish();
  });
  old->drain([this, finish] { boost::asio::post(svc_.io, finish); });
}

void hub_runner::stop_accepting() {
  if (auto h = current()) h->stop_accepting();
}

void hub_runner::drain(std::function<void()> idle) {
  auto h = current();
  if (!h) return idle();
  h->drain(std::move(idle));
}

void hub_runner::stop() {
  std::vector<std::shared_ptr<hub>> all;
  {
    std::lock_guard lock(mu_);
    all = retiring_;
    if (current_) all.push_back(current_);
  }
  for (auto& h : all) h->stop();
}

admin_api::response hub_runner::to_response(const reload_report& r) {
  admin_api::response out;
  std::string b;
  if (r.applied) {
    b = R"({"reloaded":true,"routes":{)";
    append_names(b, "unchanged", r.unchanged);
    b += ',';
    append_names(b, "changed", r.changed);
    b += ',';
    append_names(b, "added", r.added);
    b += ',';
    append_names(b, "removed", r.removed);
    b += "},";
    append_names(b, "warnings", r.warnings);
    b += '}';
    out.body = std::move(b);
    return out;
  }
  out.status = r.code == "config.invalid" ? 422 : r.code == "reload.not_running" ? 503 : 422;
  b = R"({"reloaded":false,"error":{"code":)";
  append_json_string(b, r.code);
  b += R"(,"message":)";
  append_json_string(b, r.message);
  b += R"(},"problems":[)";
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    const auto& p = r.problems[i];
    if (i) b += ',';
    b += R"({"file":)";
    append_json_string(b, p.where.file);
    b += R"(,"line":)" + std::to_string(p.where.line) + R"(,"column":)" +
         std::to_string(p.where.column) + R"(,"path":)";
    append_json_string(b, p.path);
    b += R"(,"message":)";
    append_json_string(b, p.message);
    b += R"(,"text":)";
    append_json_string(b, config::format_problem(p));
    b += '}';
  }
  b += "]}";
  out.body = std::move(b);
  return out;
}

}  // namespace simpul::hub
