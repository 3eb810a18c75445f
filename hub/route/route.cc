#include "hub/route/route.h"

#include <bit>
#include <mutex>
#include <optional>
#include <span>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hub/route/json_text.h"
#include "monitoring/json_escape.h"
#include "monitoring/log.h"

namespace simpul::hub {

namespace asio = boost::asio;
using connectors::ingest_result;
using status = connectors::ingest_result::status;

namespace {

ingest_result unavailable(std::string reason, std::chrono::seconds retry_after) {
  ingest_result r;
  r.state = status::unavailable;
  r.http_status = 503;
  r.reason = std::move(reason);
  r.error_code = "route.unavailable";
  r.retry_after = retry_after;
  return r;
}

const monitoring::logger& log() {
  static const monitoring::logger l("route");
  return l;
}

std::string error_json(std::string_view code, std::string_view text) {
  using monitoring::json_escape;
  return R"({"error":{"code":")" + json_escape(code) + R"(","message":")" + json_escape(text) +
         R"("}})";
}

}  // namespace

route::route(asio::io_context& io, const config::route_config& cfg, parts p,
             monitoring::catalogue& m)
    : io_(io),
      name_(cfg.name),
      mode_(cfg.mode),
      timeout_(cfg.timeout),
      retry_(cfg.retry),
      ordered_(cfg.ordered),
      parts_(std::move(p)),
      received_(m.received.Add({{"route", cfg.name}, {"connector", cfg.from}})),
      accepted_(m.accepted.Add({{"route", cfg.name}})),
      filtered_(m.filtered.Add({{"route", cfg.name}})),
      mapping_errors_(m.mapping_errors.Add({{"route", cfg.name}})),
      mapped_(m.mapped.Add({{"route", cfg.name}})),
      in_flight_gauge_(m.in_flight.Add({{"route", cfg.name}})),
      step_duration_(m.mapping_duration.Add({{"route", cfg.name}},
                                            monitoring::catalogue::latency_buckets())),
      end_to_end_(m.end_to_end.Add({{"route", cfg.name}}, monitoring::catalogue::latency_buckets())),
      metrics_(m) {
  // Request-reply and forward count deliveries themselves; resolved once, not per call.
  direct_.reserve(parts_.targets.size());
  for (const auto& t : parts_.targets) direct_.emplace_back(m, name_, t.connector);
}

void route::start() {
  // Accept mode; or a forward route whose spool still holds messages from
  // accept mode (hub::make_route opens it only then).
  if (!parts_.spool) return;
  for (std::uint32_t i = 0; i < parts_.targets.size(); ++i) {
    const auto& t = parts_.targets[i];
    delivery_queue::target qt{name_, t.connector, i, t.out, t.options, t.breaker};
    delivery_queue::settings s;
    s.retry = retry_;
    s.ordered = ordered_;
    s.max_in_flight = t.concurrency;
    s.audit = parts_.audit;
    s.mapping = parts_.mapping;
    s.mapping_version = parts_.mapping_version;
    queues_.push_back(std::make_shared<delivery_queue>(io_, std::move(qt), s, *parts_.spool,
                                                       *parts_.dlq, metrics_));
  }
  // The ready handler runs on the spool's writer thread; queues post onto
  // their strands. A weak reference: the spool may outlive the route briefly.
  std::weak_ptr<route> weak = weak_from_this();
  parts_.spool->set_ready_handler([weak](spool::target_mask targets) {
    auto self = weak.lock();
    if (!self) return;
    for (std::size_t i = 0; i < self->queues_.size(); ++i) {
      if (targets & (spool::target_mask{1} << i)) self->queues_[i]->notify();
    }
  });
  for (auto& q : queues_) q->notify();  // what a previous run left behind
}

void route::audit(security::audit_event e, const message_ptr& original,
                  const message_ptr& mapped, std::string_view outcome) const {
  if (!parts_.audit) return;
  parts_.audit->message_event(e, name_, original.get(), mapped.get(), parts_.mapping,
                              parts_.mapping_version, outcome);
}

void route::finished_one() {
  in_flight_.fetch_sub(1);
  in_flight_gauge_.Decrement();
}

int route::target_index(std::string_view connector) const {
  for (std::size_t i = 0; i < parts_.targets.size(); ++i) {
    if (parts_.targets[i].connector == connector) return static_cast<int>(i);
  }
  return -1;
}

void route::submit(message_ptr msg, connectors::ingest_handler done) {
  received_.Increment();
  if (!accepting_.load()) {
    audit(security::audit_event::rejected, msg, nullptr, "route.unavailable");
    return done(unavailable("the hub is shutting down", std::chrono::seconds(5)));
  }
  switch (mode_) {
    case config::route_mode::request_reply: return request_reply(std::move(msg), std::move(done));
    case config::route_mode::forward: return forward(std::move(msg), std::move(done));
    case config::route_mode::accept: return accept(std::move(msg), std::move(done));
  }
}

bool route::first_step_checks_json(std::string_view content_type) const {
  // A `when` reads the body before any step: the route checks it first.
  return !parts_.when && !parts_.steps.empty() && parts_.steps.front()->checks_json_body(content_type);
}

std::expected<std::vector<message_ptr>, step_failure> route::run_steps(
    const message_ptr& msg) const {
  if (is_json_content_type(msg->content_type) && !first_step_checks_json(msg->content_type)) {
    if (auto err = check_json_body(msg->body)) return std::unexpected(*err);
  }
  if (parts_.when) {
    auto keep = parts_.when->test(*msg);
    if (!keep) return std::unexpected(keep.error());
    if (!*keep) return std::vector<message_ptr>{};
  }
  std::vector<message_ptr> current{msg};
  for (const auto& s : parts_.steps) {
    std::vector<message_ptr> next;
    for (const auto& m : current) {
      auto out = s->apply(m);
      if (!out) return std::unexpected(out.error());
      if (std::string_view(s->kind()) == "map") mapped_.Increment();
      for (auto& o : *out) next.push_back(std::move(o));
    }
    current = std::move(next);
    if (current.empty()) break;
  }
  return current;
}

std::expected<route::pipeline_result, step_failure> route::route_message(
    const message_ptr& msg) const {
  auto started = std::chrono::steady_clock::now();
  auto messages = run_steps(msg);
  step_duration_.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!messages) return std::unexpected(messages.error());
  pipeline_result out;
  out.produced = messages->size();
  for (const auto& m : *messages) {
    spool::target_mask mask = 0;
    for (std::uint32_t i = 0; i < parts_.targets.size(); ++i) {
      const auto& t = parts_.targets[i];
      if (t.when) {
        auto match = t.when->test(*m);
        if (!match) return std::unexpected(match.error());
        if (!*match) continue;
      }
      mask |= spool::target_mask{1} << i;
    }
    if (mask) out.routed.emplace_back(m, mask);
  }
  return out;
}

void route::reject(message_ptr msg, const step_failure& f, connectors::ingest_handler done) {
  metrics_.rejected.Add({{"route", name_}, {"reason", f.code}}).Increment();
  if (f.code.starts_with("map.") || f.code.starts_with("jsonata.")) mapping_errors_.Increment();
  log().info("rejected (" + f.code + ")", {name_, msg->id, msg->trace_id});
  audit(security::audit_event::rejected, msg, nullptr, f.code);
  ingest_result r;
  r.state = status::rejected;
  r.http_status = f.http_status;
  r.message_id = msg->id;
  r.reason = f.message;
  r.error_code = f.code;
  if (mode_ == config::route_mode::request_reply) {
    // The caller is waiting and gets the error itself; nothing was accepted.
    return done(std::move(r));
  }
  metrics_.dead_lettered.Add({{"route", name_}, {"reason", f.code}}).Increment();
  dead_letter letter;
  letter.msg = msg;
  letter.route = name_;
  letter.reason_code = f.code;
  letter.reason = f.message;
  letter.first_failure = std::chrono::system_clock::now();
  auto self = shared_from_this();
  parts_.dlq->add(std::move(letter), [r = std::move(r), done = std::move(done), self,
                                      msg](result<void> stored) mutable {
    if (stored) self->audit(security::audit_event::dead_lettered, msg, nullptr, r.error_code);
    if (!stored) {
      // Could not record it: do not pretend we kept it; the sender retries.
      return done(unavailable("dead-letter queue unavailable: " + stored.error().message,
                              std::chrono::seconds(5)));
    }
    done(std::move(r));
  });
}

bool route::deduplicate(const message_ptr& msg, connectors::ingest_handler& done) {
  const auto& d = *parts_.dedup;
  std::string key;
  if (!d.header.empty()) {
    if (auto h = msg->headers.get(d.header)) key = std::string(*h);
  } else if (auto k = d.key->elements(*msg); k && !k->empty()) {
    key = k->front();
  }
  if (key.empty()) return false;  // no key: nothing to compare, accept as usual
  auto seen = d.store->check_and_insert(key, d.window);
  if (!seen) {
    done(unavailable("idempotency keys: " + seen.error().message, std::chrono::seconds(5)));
    return true;
  }
  using st = spool::dedup_store::status;
  if (*seen == st::pending) {
    auto r = unavailable("a message with the same idempotency key is being accepted",
                         std::chrono::seconds(1));
    r.error_code = "route.duplicate_in_progress";
    done(std::move(r));
    return true;
  }
  if (*seen == st::duplicate) {
    metrics_.duplicates.Add({{"route", name_}}).Increment();
    ingest_result ok;
    ok.state = status::accepted;
    ok.http_status = 202;
    auto original = d.store->value(key);
    ok.message_id = original.empty() ? msg->id : original;
    done(std::move(ok));
    return true;
  }
  // Fresh: the key is kept once the message is durable, forgotten otherwise
  // (so the sender's retry is not mistaken for a duplicate of nothing).
  done = [store = d.store, key, id = msg->id, inner = std::move(done)](ingest_result r) {
    if (r.state == status::accepted) {
      (void)store->confirm(key, id);  // failure: a retry is accepted twice, never lost
    } else {
      store->abandon(key);
    }
    inner(std::move(r));
  };
  return false;
}

ingest_result accepted_result(const message& msg) {
  ingest_result ok;
  ok.state = status::accepted;
  ok.http_status = 202;
  ok.message_id = msg.id;
  return ok;
}

void route::store_failed(const message_ptr& original, const error& e,
                         connectors::ingest_handler& done) {
  metrics_.rejected.Add({{"route", name_}, {"reason", e.code}}).Increment();
  audit(security::audit_event::rejected, original, nullptr, e.code);
  bool full = e.code == "spool.full";
  done(unavailable(full ? "route '" + name_ + "' is full; retry later"
                        : "could not store the message: " + e.message,
                   std::chrono::seconds(full ? 1 : 5)));
}

void route::stored(const message_ptr& original, std::span<const message_ptr> parts,
                   connectors::ingest_handler& done) {
  accepted_.Increment();
  for (const auto& part : parts) audit(security::audit_event::accepted, original, part, "ok");
  if (log().enabled(monitoring::level::debug)) {
    log().debug("accepted (" + std::to_string(parts.size()) + " part(s))",
                {name_, original->id, original->trace_id});
  }
  done(accepted_result(*original));
}

std::optional<route::pipeline_result> route::take(const message_ptr& msg,
                                                  connectors::ingest_handler& done) {
  if (parts_.dedup && deduplicate(msg, done)) return std::nullopt;
  auto routed = route_message(msg);
  if (!routed) {
    reject(msg, routed.error(), std::move(done));
    return std::nullopt;
  }
  if (routed->routed.empty()) {
    filtered_.Increment();
    audit(security::audit_event::accepted, msg, nullptr, "filtered");
    done(accepted_result(*msg));
    return std::nullopt;
  }
  return std::move(*routed);
}

void route::accept(message_ptr msg, connectors::ingest_handler done) {
  auto routed = take(msg, done);
  if (!routed) return;
  auto original = original_of(msg, *routed);
  if (routed->routed.size() == 1) {
    // The common case, one part: no shared bookkeeping, one callback.
    auto [part, mask] = std::move(routed->routed.front());
    spool::route_spool::append_callback cb = [self = shared_from_this(), done = std::move(done),
                                              msg, part](result<void> stored) mutable {
      if (!stored) return self->store_failed(msg, stored.error(), done);
      self->stored(msg, std::span<const message_ptr>(&part, 1), done);
    };
    // On an immediate error the spool did not take `cb`: answer through it here.
    if (auto r = parts_.spool->append(part, mask, std::move(cb), std::move(original)); !r) {
      cb(std::unexpected(r.error()));
    }
    return;
  }
  // The sender is acknowledged only when every part is durable in the
  // spool; a failed part makes the sender retry (duplicates then carry the
  // same ids, so outputs can recognise them).
  struct pending {
    std::atomic<std::size_t> left;
    std::atomic<bool> failed{false};
    std::mutex mu;
    error first_error;
    connectors::ingest_handler done;
    message_ptr original;
    std::vector<message_ptr> parts;
  };
  auto p = std::make_shared<pending>();
  p->original = msg;
  for (const auto& [m, mask] : routed->routed) p->parts.push_back(m);
  p->left = routed->routed.size();
  p->done = std::move(done);
  auto self = shared_from_this();
  auto finish_one = [p, self](result<void> stored) {
    if (!stored) {
      std::lock_guard lock(p->mu);
      if (!p->failed.exchange(true)) p->first_error = stored.error();
    }
    if (p->left.fetch_sub(1) != 1) return;
    if (p->failed) return self->store_failed(p->original, p->first_error, p->done);
    self->stored(p->original, p->parts, p->done);
  };
  for (auto& [m, mask] : routed->routed) {
    // An immediate error means the callback will never run: count it here.
    if (auto r = parts_.spool->append(m, mask, finish_one, original); !r) {
      finish_one(std::unexpected(r.error()));
    }
  }
}

// The answer as the caller expects it (`reply_map`); the mapping sees the
// answer as its body and the request's headers and attributes. A failure is
// the hub's fault towards the caller (502), never the service's.
void route::map_reply(const message& request, ingest_result& r) const {
  message answer = request;
  answer.body = std::move(r.reply_body);
  answer.content_type = r.reply_content_type;
  auto mapped = parts_.reply_map->apply(answer);
  if (!mapped) {
    mapping_errors_.Increment();
    r.http_status = 502;
    r.reply_content_type = "application/json";
    r.reply_body = error_json(mapped.error().code, mapped.error().message);
    return;
  }
  r.reply_body = std::move(mapped->body);
  r.reply_content_type = std::move(mapped->content_type);
  r.reply_headers.erase("Content-Length");
  r.reply_headers.erase("Content-Type");
}

void route::request_reply(message_ptr msg, connectors::ingest_handler done) {
  auto routed = route_message(msg);
  if (!routed) return reject(std::move(msg), routed.error(), std::move(done));
  if (routed->routed.empty()) {
    filtered_.Increment();
    ingest_result r;
    r.state = status::rejected;
    r.http_status = 422;
    r.message_id = msg->id;
    r.error_code = "route.no_target";
    r.reason = "the message matched no output of route '" + name_ + "'";
    return done(std::move(r));
  }
  accepted_.Increment();
  auto [out_msg, mask] = routed->routed.front();
  audit(security::audit_event::accepted, msg, out_msg, "ok");
  const auto target = static_cast<std::size_t>(std::countr_zero(mask));
  const auto& t = parts_.targets[target];
  // Whoever finishes first — the output or the timeout — answers the caller.
  struct call {
    std::atomic<bool> answered{false};
    connectors::ingest_handler done;
    asio::steady_timer timer;
    std::string id;
    explicit call(asio::io_context& io) : timer(io) {}
  };
  auto c = std::make_shared<call>(io_);
  c->done = std::move(done);
  c->id = msg->id;
  ++in_flight_;
  in_flight_gauge_.Increment();
  auto self = shared_from_this();
  auto& delivered = direct_[target].delivered;
  c->timer.expires_after(timeout_);
  c->timer.async_wait([c, self](boost::system::error_code ec) {
    if (ec || c->answered.exchange(true)) return;
    self->finished_one();
    ingest_result r;
    r.state = status::replied;
    r.http_status = 504;
    r.message_id = c->id;
    r.reply_content_type = "application/json";
    r.reply_body = error_json("route.timeout", "the output did not answer within the route timeout");
    c->done(std::move(r));
  });
  message_ptr request = out_msg;  // for reply_map (a structured binding is not captured)
  t.out->send(out_msg, t.options, [c, self, &delivered, request](connectors::delivery_result res) {
    using ev = security::audit_event;
    bool ok = res.state == connectors::delivery_result::outcome::delivered;
    self->audit(ok ? ev::delivered : ev::rejected, nullptr, request,
                ok ? "ok" : (res.status ? "HTTP " + std::to_string(res.status) : "route.upstream"));
    if (c->answered.exchange(true)) return;
    c->timer.cancel();
    self->finished_one();
    ingest_result r;
    r.state = status::replied;
    r.message_id = c->id;
    using outcome = connectors::delivery_result::outcome;
    if (res.state == outcome::delivered || res.status != 0) {
      if (res.state == outcome::delivered) delivered.Increment();
      // The service answered: pass its answer through, whatever the status.
      r.http_status = res.status ? res.status : 200;
      r.reply_body = std::move(res.response_body);
      r.reply_content_type = std::move(res.response_content_type);
      r.reply_headers = std::move(res.response_headers);
      if (self->parts_.reply_map && r.http_status >= 200 && r.http_status < 300) {
        self->map_reply(*request, r);
      }
    } else {
      // Handed back unsent (the hub is draining): the caller may try again.
      bool unsent = res.state == outcome::not_sent;
      r.http_status = unsent ? 503 : 502;
      r.reply_content_type = "application/json";
      r.reply_body = error_json(unsent ? "route.shutting_down" : "route.upstream", res.detail);
    }
    c->done(std::move(r));
  });
}

void route::drain(std::function<void()> idle) {
  auto remaining = std::make_shared<std::atomic<std::size_t>>(queues_.size() + 1);
  auto one_done = [remaining, idle = std::move(idle)] {
    if (remaining->fetch_sub(1) == 1) idle();
  };
  for (auto& q : queues_) q->begin_drain(one_done);
  // Request-reply calls and forward deliveries in flight: poll until they
  // answered (each has its own or its output's timeout, so this ends).
  wait_for_calls(std::make_shared<asio::steady_timer>(io_), std::move(one_done));
}

void route::wait_for_calls(std::shared_ptr<asio::steady_timer> timer,
                           std::function<void()> idle) {
  if (mode_ == config::route_mode::accept || in_flight_ <= 0) return idle();
  timer->expires_after(std::chrono::milliseconds(10));
  timer->async_wait([self = shared_from_this(), timer, idle = std::move(idle)](
                        boost::system::error_code) mutable {
    self->wait_for_calls(std::move(timer), std::move(idle));
  });
}

void route::stop() {
  for (auto& q : queues_) q->stop();
}

void route::notify() {
  for (auto& q : queues_) q->notify();
}

void route::replay(replay_request req, std::function<void(result<void>)> done) {
  if (mode_ == config::route_mode::request_reply) {
    return done(make_error("replay.request_reply",
                           "route '" + name_ + "' is request-reply: nothing to replay into"));
  }
  std::vector<std::pair<message_ptr, spool::target_mask>> routed;
  message_ptr original;
  if (!req.target.empty()) {
    int i = target_index(req.target);
    if (i < 0) {
      return done(make_error("replay.no_target",
                             "route '" + name_ + "' no longer delivers to '" + req.target + "'"));
    }
    auto bit = spool::target_mask{1} << i;
    if (!req.remap) {
      original = std::move(req.original);  // kept, so a later replay can still remap
      routed.emplace_back(std::move(req.msg), bit);
    } else {
      if (!req.original) {
        return done(make_error("replay.no_original",
                               "the message before the mapping was not kept (a split part, or "
                               "dead-lettered by an older hub): replay it without remap"));
      }
      auto r = route_message(req.original);
      if (!r) return done(make_error(r.error().code, r.error().message));
      if (r->produced == 0) {
        return done(make_error("replay.filtered",
                               "the route's current condition or steps drop this message"));
      }
      original = original_of(req.original, *r);
      for (auto& [m, mask] : r->routed) {
        if (mask & bit) routed.emplace_back(m, bit);  // the other outputs had theirs
      }
      if (routed.empty()) {
        return done(make_error("replay.not_routed",
                               "the route's current config no longer sends this message to '" +
                                   req.target + "'"));
      }
    }
  } else {
    auto r = route_message(req.msg);
    if (!r) return done(make_error(r.error().code, r.error().message));
    original = original_of(req.msg, *r);
    routed = std::move(r->routed);
    if (routed.empty()) {
      filtered_.Increment();
      return done({});
    }
  }
  if (mode_ == config::route_mode::forward) {
    // No spool: deliver now; the entry leaves the DLQ only if every output took it.
    return deliver_now(routed, [done = std::move(done)](std::vector<direct_failure> failures) {
      if (failures.empty()) return done({});
      const auto& f = failures.front().result;
      done(make_error(f.state == connectors::delivery_result::outcome::permanent
                          ? "delivery.permanent"
                          : "delivery.failed",
                      "not delivered: " + f.detail));
    });
  }
  struct pending {
    std::atomic<std::size_t> left;
    std::mutex mu;
    std::optional<error> failed;
    std::function<void(result<void>)> done;
  };
  auto p = std::make_shared<pending>();
  p->left = routed.size();
  p->done = std::move(done);
  auto finish_one = [p](result<void> stored) {
    if (!stored) {
      std::lock_guard lock(p->mu);
      if (!p->failed) p->failed = stored.error();
    }
    if (p->left.fetch_sub(1) != 1) return;
    if (p->failed) return p->done(std::unexpected(*p->failed));
    p->done({});
  };
  for (auto& [m, mask] : routed) {
    if (auto r = parts_.spool->append(m, mask, finish_one, original); !r) {
      finish_one(std::unexpected(r.error()));
    }
  }
}

}  // namespace simpul::hub
