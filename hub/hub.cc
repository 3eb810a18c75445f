#include "hub/hub.h"

#include <filesystem>

#include "connectors/tls_reloadable.h"
#include "hub/spool/spool_paths.h"
#include "hub/route/steps.h"
#include "monitoring/log.h"

namespace simpul::hub {
namespace {

const monitoring::logger& log() {
  static const monitoring::logger l("hub");
  return l;
}

bool used_as_input(const config::hub_config& c, const std::string& name) {
  for (const auto& r : c.routes) {
    if (r.from == name) return true;
  }
  return false;
}

bool used_as_output(const config::hub_config& c, const std::string& name) {
  for (const auto& r : c.routes) {
    for (const auto& t : r.to) {
      if (t.connector == name) return true;
    }
  }
  return false;
}

}  // namespace

hub::hub(std::shared_ptr<const config::hub_config> cfg, services s)
    : cfg_(std::move(cfg)), svc_(s) {}

result<std::unique_ptr<hub>> hub::build(std::shared_ptr<const config::hub_config> cfg,
                                        services s, std::shared_ptr<durable_stores> stores) {
  std::unique_ptr<hub> h(new hub(std::move(cfg), s));
  if (!stores) {
    auto opened = durable_stores::open(h->cfg_->hub.data_dir);
    if (!opened) return std::unexpected(opened.error());
    stores = std::move(*opened);
  }
  h->stores_ = std::move(stores);
  h->dlq_store_ = &h->stores_->dead_letters()->store();
  h->dlq_ = h->stores_->dead_letters();
  if (auto r = h->open_audit(); !r) return std::unexpected(r.error());
  if (auto r = h->build_connectors(); !r) return std::unexpected(r.error());
  if (auto r = h->build_routes(); !r) return std::unexpected(r.error());
  return h;
}

result<void> hub::open_audit() {
  if (stores_->audit_decided()) {  // a reload: keep the running chain
    audit_ = stores_->audit();
    return {};
  }
  // hub.audit is read from the validated tree (schema in hub_schema.cc), so
  // the shared hub_settings struct stays as it is.
  struct {
    std::filesystem::path file;
    std::string key;
    bool fsync = true;
  } a;
  a.file = cfg_->hub.data_dir / "audit" / "audit.log";
  const config::node* hub_node = cfg_->root ? cfg_->root->find("hub") : nullptr;
  const config::node* node = hub_node ? hub_node->find("audit") : nullptr;
  if (node && node->is_map()) {
    auto f = node->get_string("file");
    if (!f.empty() && f != "<data_dir>/audit/audit.log") {
      a.file = cfg_->file.parent_path() / f;
    }
    a.key = node->get_string("key");
    a.fsync = node->get_bool("fsync", true);
  }
  if (a.key.empty()) {
    log().warn("audit log off: set hub.audit.key to record every message and admin action");
    stores_->set_audit(nullptr);
    return {};
  }
  // A ${file:..} key usually ends with a newline that is not key (as in
  // `simpul audit verify --key FILE`).
  std::string secret = a.key;
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  auto key = secret.starts_with("-----BEGIN") ? security::audit_key::ed25519_private_pem(secret)
                                              : security::audit_key::hmac(std::move(secret));
  if (!key) return make_error(key.error().code, "hub.audit.key: " + key.error().message);
  std::error_code ec;
  std::filesystem::create_directories(a.file.parent_path(), ec);
  if (ec) return make_error("hub.audit", "cannot create " + a.file.parent_path().string());
  auto trail = audit_trail::open({a.file.string(), a.fsync}, std::move(*key));
  if (!trail) return std::unexpected(trail.error());
  audit_ = std::move(*trail);
  stores_->set_audit(audit_);
  auto h = audit_->head();
  log().info("audit log " + a.file.string() + " continues at seq " + std::to_string(h.seq));
  return {};
}

result<void> hub::build_connectors() {
  for (const auto& cc : cfg_->connectors) {
    const auto* factory = svc_.registry.find(cc.type);
    if (!factory) return make_error("hub.connector", "unknown connector type " + cc.type);
    auto dlq = dlq_;
    auto ctx = std::make_unique<connectors::context>(connectors::context{
        svc_.io, cc.name, cfg_->hub.data_dir, svc_.metrics.registry_ptr(),
        [dlq, name = cc.name](message_ptr msg, error e) {
          dead_letter letter;
          letter.msg = std::move(msg);
          letter.connector = name;
          letter.reason_code = e.code;
          letter.reason = e.message;
          letter.first_failure = std::chrono::system_clock::now();
          dlq->add(std::move(letter), [](result<void>) {});
        }});
    if (used_as_input(*cfg_, cc.name)) {
      auto in = factory->make_input(cc.settings, *ctx);
      if (!in) return make_error(in.error().code, "connector '" + cc.name + "': " + in.error().message);
      inputs_.emplace(cc.name, std::move(*in));
    }
    if (used_as_output(*cfg_, cc.name)) {
      auto out = factory->make_output(cc.settings, *ctx);
      if (!out) return make_error(out.error().code, "connector '" + cc.name + "': " + out.error().message);
      outputs_.emplace(cc.name, std::move(*out));
      breakers_.emplace(cc.name, std::make_shared<circuit_breaker>(5, std::chrono::seconds(5)));
    }
    contexts_.emplace(cc.name, std::move(ctx));
  }
  return {};
}

result<void> hub::build_routes() {
  for (const auto& rc : cfg_->routes) {
    auto r = build_route(rc);
    if (!r) return make_error(r.error().code, "route '" + rc.name + "': " + r.error().message);
    auto in = inputs_.find(rc.from);
    if (in == inputs_.end()) return make_error("hub.route", "route '" + rc.name + "': no input " + rc.from);
    if (auto b = in->second->bind({rc.name, rc.from_options, *r}); !b) {
      return make_error(b.error().code, "route '" + rc.name + "': " + b.error().message);
    }
    routes_.push_back(std::move(*r));
  }
  return {};
}

result<std::shared_ptr<route>> hub::build_route(const config::route_config& rc) {
  auto compile = [&](const std::string& text) -> result<std::shared_ptr<const message_expression>> {
    if (!svc_.expressions) {
      return make_error("hub.no_engine", "conditions and mappings need the mapping engine");
    }
    return svc_.expressions->compile(text);
  };
  route::parts p;
  if (!rc.when.empty()) {
    auto w = compile(rc.when);
    if (!w) return std::unexpected(w.error());
    p.when = *w;
  }
  for (const auto& sc : rc.steps) {
    switch (sc.type) {
      case config::step_config::kind::validate: {
        auto s = make_validate_step(sc.arg);
        if (!s) return std::unexpected(s.error());
        p.steps.push_back(std::move(*s));
        break;
      }
      case config::step_config::kind::filter:
      case config::step_config::kind::split: {
        auto e = compile(sc.arg.empty() ? std::string("$") : sc.arg);
        if (!e) return std::unexpected(e.error());
        p.steps.push_back(sc.type == config::step_config::kind::filter ? make_filter_step(*e)
                                                                       : make_split_step(*e));
        break;
      }
      case config::step_config::kind::map: {
        const auto* ref = cfg_->find_mapping(sc.arg);
        if (!ref) return make_error("hub.mapping", "unknown mapping " + sc.arg);
        if (audit_) {
          auto sep = p.mapping.empty() ? "" : ",";
          p.mapping += sep + ref->name;
          p.mapping_version += sep + mapping_file_version(ref->file.string());
        }
        if (!svc_.expressions) return make_error("hub.no_engine", "map steps need the mapping engine");
        auto m = svc_.expressions->load_mapping(*ref);
        if (!m) return std::unexpected(m.error());
        p.steps.push_back(make_map_step(*m));
        break;
      }
    }
  }
  if (!rc.reply_map.empty()) {
    const auto* ref = cfg_->find_mapping(rc.reply_map);
    if (!ref) return make_error("hub.mapping", "unknown mapping " + rc.reply_map);
    if (!svc_.expressions) return make_error("hub.no_engine", "reply_map needs the mapping engine");
    auto m = svc_.expressions->load_mapping(*ref);
    if (!m) return std::unexpected(m.error());
    p.reply_map = *m;
  }
  for (const auto& tc : rc.to) {
    route::target t;
    t.connector = tc.connector;
    t.options = tc.options;
    auto out = outputs_.find(tc.connector);
    if (out == outputs_.end()) return make_error("hub.route", "no output " + tc.connector);
    t.out = out->second.get();
    t.breaker = breakers_[tc.connector];
    t.concurrency = static_cast<std::size_t>(tc.concurrency);
    if (!tc.when.empty()) {
      auto w = compile(tc.when);
      if (!w) return std::unexpected(w.error());
      t.when = *w;
    }
    p.targets.push_back(std::move(t));
  }
  // A route switched from accept to forward still owns what its spool holds
  // (acknowledged to the senders already): its queues deliver that as before.
  auto leftovers = [&](const std::filesystem::path& dir) {
    std::error_code ec;
    return std::filesystem::is_directory(dir, ec) && !std::filesystem::is_empty(dir, ec);
  };
  auto dir = spool::route_spool_dir(cfg_->hub.data_dir, rc.name);
  if (!dir) return std::unexpected(dir.error());
  if (rc.mode == config::route_mode::accept ||
      (rc.mode == config::route_mode::forward && leftovers(*dir))) {
    auto dur = spool::parse_durability(rc.durability);
    if (!dur) return std::unexpected(dur.error());
    spool::spool_options so;
    so.dir = dir->string();
    so.durability = *dur;
    so.max_messages = rc.max_messages;
    so.max_bytes = rc.max_bytes;
    auto opened = stores_->spool(rc.name, so);
    if (!opened) return make_error(opened.error().code, "spool: " + opened.error().message);
    p.spool = std::move(*opened);
    if (rc.mode == config::route_mode::forward) {
      auto left = p.spool->stats().depth;
      if (left == 0) {
        p.spool.reset();
      } else {
        log().warn("route '" + rc.name + "' is forward now; its spool still holds " +
                       std::to_string(left) + " message(s) from accept mode: delivering those",
                   {rc.name, {}, {}});
      }
    }
  }
  // A forward route acknowledges when delivered: a key is kept the same way.
  if (rc.mode != config::route_mode::request_reply && rc.dedup.enabled) {
    route::parts::dedup_rule d;
    auto store = stores_->dedup(rc.name);
    if (!store) return make_error(store.error().code, "dedup: " + store.error().message);
    d.store = std::move(*store);
    d.header = rc.dedup.header;
    d.window = rc.dedup.window;
    if (d.header.empty()) {
      auto k = compile(rc.dedup.expression);
      if (!k) return std::unexpected(k.error());
      d.key = *k;
    }
    p.dedup = std::move(d);
  }
  p.dlq = dlq_;
  p.audit = audit_;
  return std::make_shared<route>(svc_.io, rc, std::move(p), svc_.metrics);
}

result<void> hub::start() {
  if (auto r = start_delivery(); !r) return r;
  return start_inputs();
}

result<void> hub::start_delivery() {
  if (delivering_) return {};
  for (auto& [name, out] : outputs_) {
    if (auto r = out->start(); !r) {
      return make_error(r.error().code, "connector '" + name + "': " + r.error().message);
    }
  }
  for (auto& r : routes_) r->start();
  delivering_ = true;
  return {};
}

result<void> hub::start_inputs() {
  for (auto& [name, in] : inputs_) {
    if (inputs_started_.contains(name)) continue;
    if (auto r = in->start(); !r) {
      return make_error(r.error().code, "connector '" + name + "': " + r.error().message);
    }
    inputs_started_.insert(name);
  }
  started_ = true;
  log().info("started: " + std::to_string(inputs_.size()) + " inputs, " +
             std::to_string(outputs_.size()) + " outputs, " + std::to_string(routes_.size()) +
             " routes");
  return {};
}

void hub::stop_accepting() {
  draining_ = true;
  for (auto& r : routes_) r->stop_accepting();
  for (auto& [name, in] : inputs_) in->stop_accepting();
}

void hub::drain(std::function<void()> idle) {
  if (routes_.empty()) return idle();
  auto remaining = std::make_shared<std::atomic<std::size_t>>(routes_.size());
  for (auto& r : routes_) {
    r->drain([remaining, idle] {
      if (remaining->fetch_sub(1) == 1) idle();
    });
  }
  // After the queues were told (their strands see the drain first): sends
  // still waiting inside an output come back `not_sent` and stay spooled.
  for (auto& [name, out] : outputs_) out->stop_accepting();
}

void hub::stop() {
  for (auto& r : routes_) r->stop();
  for (auto& [name, in] : inputs_) in->stop();
  for (auto& [name, out] : outputs_) {
    out->stop_accepting();
    out->stop();
  }
}

bool hub::reload_tls() {
  bool ok = true;
  auto one = [&](const std::string& name, connectors::component& c) {
    auto* t = dynamic_cast<connectors::tls_reloadable*>(&c);
    if (t == nullptr) return;
    if (auto r = t->reload_tls(); !r) {
      ok = false;
      log().error("connector '" + name + "': TLS reload failed: " + r.error().message);
    }
  };
  for (auto& [name, in] : inputs_) one(name, *in);
  for (auto& [name, out] : outputs_) one(name, *out);
  return ok;
}

bool hub::ready() const {
  if (!started_ || draining_) return false;
  for (const auto& [n, in] : inputs_) {
    if (!in->ready()) return false;
  }
  for (const auto& [n, out] : outputs_) {
    if (!out->ready()) return false;
  }
  return full_routes().empty();
}

std::vector<std::string> hub::full_routes() const {
  std::vector<std::string> out;
  for (const auto& r : routes_) {
    if (const auto* sp = r->spool(); sp && sp->stats().full) out.push_back(r->name());
  }
  return out;
}

std::vector<hub::connector_status> hub::status() const {
  std::vector<connector_status> out;
  for (const auto& cc : cfg_->connectors) {
    bool ready = true;
    if (auto it = inputs_.find(cc.name); it != inputs_.end()) ready = ready && it->second->ready();
    if (auto it = outputs_.find(cc.name); it != outputs_.end()) ready = ready && it->second->ready();
    out.push_back({cc.name, cc.type, ready && started_});
  }
  return out;
}

void hub::sample_metrics(monitoring::catalogue& m) const {
  auto per_route = dlq_store_->per_route();
  for (const auto& r : routes_) {
    const auto& name = r->name();
    auto dlq = per_route.find(name);
    bool has = dlq != per_route.end();
    m.dlq_depth.Add({{"route", name}}).Set(has ? static_cast<double>(dlq->second.count) : 0);
    m.dlq_oldest_age.Add({{"route", name}})
        .Set(has ? static_cast<double>(dlq->second.oldest_age.count()) / 1000.0 : 0);
    auto* sp = r->spool();
    if (!sp) continue;
    auto st = sp->stats();
    m.spool_depth.Add({{"route", name}}).Set(static_cast<double>(st.depth));
    m.spool_bytes.Add({{"route", name}}).Set(static_cast<double>(st.bytes));
    m.spool_oldest_age.Add({{"route", name}}).Set(static_cast<double>(st.oldest_age.count()) / 1000.0);
    m.spool_full.Add({{"route", name}}).Set(st.full ? 1 : 0);
    // A forward route counts its own deliveries in flight (route::deliver_now).
    if (r->mode() == config::route_mode::accept) {
      m.in_flight.Add({{"route", name}}).Set(static_cast<double>(st.depth));
    }
  }
  for (const auto& rc : cfg_->routes) {
    if (rc.mode == config::route_mode::accept) {
      m.spool_limit.Add({{"route", rc.name}}).Set(static_cast<double>(rc.max_messages));
    }
  }
}

std::shared_ptr<route> hub::find_route(std::string_view name) const {
  for (const auto& r : routes_) {
    if (r->name() == name) return r;
  }
  return nullptr;
}

void hub::kick() {
  for (auto& r : routes_) r->notify();
}

std::vector<std::pair<std::string, circuit_breaker::state>> hub::circuits() const {
  std::vector<std::pair<std::string, circuit_breaker::state>> out;
  auto now = circuit_breaker::clock::now();
  for (const auto& [name, b] : breakers_) out.emplace_back(name, b->current(now));
  return out;
}

}  // namespace simpul::hub
