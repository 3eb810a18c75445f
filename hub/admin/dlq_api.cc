#include "hub/admin/dlq_api.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <future>
#include <map>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "hub/admin/display_mask.h"
#include "hub/hub.h"
#include "hub/route/json_text.h"
#include "monitoring/json_escape.h"

namespace simpul::hub {
namespace {

using monitoring::append_json_string;
using response = admin_api::response;

constexpr std::size_t replay_page = 500;

response json(int status, std::string body) { return response{status, "application/json", std::move(body), {}}; }

response fail(int status, std::string_view code, std::string_view text) {
  std::string b = R"({"error":{"code":)";
  append_json_string(b, code);
  b += R"(,"message":)";
  append_json_string(b, text);
  b += "}}";
  return json(status, std::move(b));
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    auto eq = part.find('=');
    if (!part.empty()) {
      out[url_decode(part.substr(0, eq))] =
          eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

std::string iso_time(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

void append_field(std::string& b, std::string_view key, std::string_view value) {
  append_json_string(b, key);
  b += ':';
  append_json_string(b, value);
  b += ',';
}

void append_summary_fields(std::string& b, const spool::dlq_summary& s) {
  append_field(b, "id", s.id);
  append_field(b, "message_id", s.message_id);
  append_field(b, "route", s.route);
  append_field(b, "target", s.target);
  append_field(b, "reason", s.reason_code);
  b += R"("last_status":)" + std::to_string(s.last_status) + ',';
  b += R"("attempts":)" + std::to_string(s.attempts) + ',';
  append_field(b, "first_failure", iso_time(s.first_failure));
  append_field(b, "dead_lettered", iso_time(s.dead_lettered));
  append_json_string(b, "trace_id");
  b += ':';
  append_json_string(b, s.trace_id);
}

spool::dlq_query query_of(const std::map<std::string, std::string>& q) {
  spool::dlq_query dq;
  if (auto it = q.find("route"); it != q.end()) dq.route = it->second;
  if (auto it = q.find("reason"); it != q.end()) dq.reason_code = it->second;
  if (auto it = q.find("after"); it != q.end()) dq.after = it->second;
  if (auto it = q.find("limit"); it != q.end()) {
    dq.limit = static_cast<std::size_t>(std::clamp(std::atol(it->second.c_str()), 1L, 10000L));
  }
  return dq;
}

response list(hub& h, const std::map<std::string, std::string>& q) {
  auto page = h.dead_letter_store().list(query_of(q));
  std::string b = R"({"items":[)";
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    if (i) b += ',';
    b += '{';
    append_summary_fields(b, page.items[i]);
    b += '}';
  }
  b += R"(],"next":)";
  append_json_string(b, page.next);
  b += R"(,"total":)" + std::to_string(h.dead_letter_store().count()) + '}';
  return json(200, std::move(b));
}

response show(hub& h, std::string_view id) {
  auto e = h.dead_letter_store().get(id);
  if (!e) return fail(404, "dlq.not_found", "no dead letter " + std::string(id));
  spool::dlq_summary s{e->id,          e->msg.id,    e->route,         e->target,
                       e->reason_code, e->last_status, e->attempts,    e->first_failure,
                       e->dead_lettered, e->trace_id};
  std::string b = "{";
  append_summary_fields(b, s);
  b += ',';
  // Personal data is masked in everything the admin API shows (hub.masking);
  // replay works on the stored message, never on this rendering.
  append_field(b, "reason_text", mask_text_for_display(e->reason_text));
  append_field(b, "last_response", mask_for_display(e->last_body));
  b += R"("message":{)";
  append_field(b, "id", e->msg.id);
  append_field(b, "key", displayable(e->msg.key));
  append_field(b, "source", displayable(e->msg.source));
  append_field(b, "content_type", displayable(e->msg.content_type));
  append_field(b, "received_at", iso_time(e->msg.received_at));
  b += R"("headers":{)";
  bool first = true;
  for (const auto& [k, v] : e->msg.headers.entries()) {
    if (!first) b += ',';
    first = false;
    append_json_string(b, displayable(k));
    b += ':';
    append_json_string(b, displayable(v));
  }
  b += R"(},"body":)";
  append_json_string(b, mask_for_display(e->msg.body));
  b += '}';
  if (e->original) {
    // Delivery failures: the message before the route's steps (what
    // `replay` with "remap":true maps again under the current config).
    b += R"(,"original":{)";
    append_field(b, "content_type", displayable(e->original->content_type));
    b += R"("headers":{)";
    bool first_header = true;
    for (const auto& [k, v] : e->original->headers.entries()) {
      if (!first_header) b += ',';
      first_header = false;
      append_json_string(b, displayable(k));
      b += ':';
      append_json_string(b, displayable(v));
    }
    b += R"(},"body":)";
    append_json_string(b, mask_for_display(e->original->body));
    b += '}';
  }
  b += '}';
  return json(200, std::move(b));
}

struct replay_outcome {
  std::vector<std::string> replayed;
  std::vector<std::pair<std::string, error>> failed;
};

/// Replays `ids` one by one (a failing one does not stop the rest), then
/// removes the ones the spool took back in one DLQ flush.
void replay_ids(hub& h, const std::vector<std::string>& ids, bool remap, replay_outcome& out) {
  auto& store = h.dead_letter_store();
  std::vector<std::pair<std::string, std::future<result<void>>>> waiting;
  for (const auto& id : ids) {
    auto e = store.get(id);
    if (!e) {
      out.failed.emplace_back(id, e.error());
      continue;
    }
    auto r = e->route.empty() ? nullptr : h.find_route(e->route);
    if (!r) {
      out.failed.emplace_back(id, error{"replay.no_route", "no route '" + e->route + "' is configured"});
      continue;
    }
    auto promise = std::make_shared<std::promise<result<void>>>();
    waiting.emplace_back(id, promise->get_future());
    auto msg = std::make_shared<message>(std::move(e->msg));
    msg->attempt = 0;
    route::replay_request req{std::move(msg), nullptr, e->target, remap};
    if (e->original) req.original = std::make_shared<const message>(std::move(*e->original));
    r->replay(std::move(req), [promise](result<void> res) { promise->set_value(std::move(res)); });
  }
  std::vector<std::string> done;
  for (auto& [id, f] : waiting) {
    auto res = f.get();
    if (res) {
      done.push_back(id);
    } else {
      out.failed.emplace_back(id, res.error());
    }
  }
  if (done.empty()) return;
  if (auto removed = store.remove(done); !removed) {
    // Spooled again but still listed: a later replay would deliver it twice
    // (same message id, so the receiver can tell). Say so instead of hiding it.
    for (auto& id : done) out.failed.emplace_back(id, removed.error());
    return;
  }
  for (auto& id : done) out.replayed.push_back(std::move(id));
}

response replay(hub& h, std::string_view body) {
  rapidjson::Document doc;
  // Iterative and depth-bounded, like every body the hub parses.
  if (auto err = parse_json_body(body, doc)) return fail(400, "admin.bad_request", err->message);
  if (!doc.IsObject()) {
    return fail(400, "admin.bad_request", R"(expected a JSON object: {"ids":[..]}, {"route":..,"reason":..} or {"all":true})");
  }
  replay_outcome out;
  // "remap": delivery failures go through the route's current steps again,
  // from the message as it arrived (route::replay); default: resend as stored.
  bool remap = false;
  if (auto it = doc.FindMember("remap"); it != doc.MemberEnd()) {
    if (!it->value.IsBool()) return fail(400, "admin.bad_request", "remap must be true or false");
    remap = it->value.GetBool();
  }
  if (doc.HasMember("ids")) {
    if (!doc["ids"].IsArray()) return fail(400, "admin.bad_request", "ids must be an array of strings");
    std::vector<std::string> ids;
    for (const auto& v : doc["ids"].GetArray()) {
      if (!v.IsString()) return fail(400, "admin.bad_request", "ids must be an array of strings");
      ids.emplace_back(v.GetString(), v.GetStringLength());
    }
    replay_ids(h, ids, remap, out);
  } else {
    spool::dlq_query q;
    auto text = [&](const char* k) -> std::string {
      auto it = doc.FindMember(k);
      return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
    };
    q.route = text("route");
    q.reason_code = text("reason");
    bool all = doc.HasMember("all") && doc["all"].IsBool() && doc["all"].GetBool();
    if (q.route.empty() && q.reason_code.empty() && !all) {
      return fail(400, "admin.bad_request", R"(say which entries: "ids", "route"/"reason", or "all":true)");
    }
    q.limit = replay_page;
    // Page through the matches; failed entries stay behind, so continue after them.
    for (;;) {
      auto page = h.dead_letter_store().list(q);
      std::vector<std::string> ids;
      for (const auto& s : page.items) ids.push_back(s.id);
      replay_ids(h, ids, remap, out);
      if (page.next.empty()) break;
      q.after = page.next;
    }
  }
  std::string b = R"({"replayed":)" + std::to_string(out.replayed.size()) + R"(,"ids":[)";
  for (std::size_t i = 0; i < out.replayed.size(); ++i) {
    if (i) b += ',';
    append_json_string(b, out.replayed[i]);
  }
  b += R"(],"failed":[)";
  for (std::size_t i = 0; i < out.failed.size(); ++i) {
    if (i) b += ',';
    b += '{';
    append_field(b, "id", out.failed[i].first);
    append_field(b, "code", out.failed[i].second.code);
    append_json_string(b, "message");
    b += ':';
    append_json_string(b, out.failed[i].second.message);
    b += '}';
  }
  b += "]}";
  h.audit_admin_action("dlq.replay", "admin",
                       "replayed " + std::to_string(out.replayed.size()) + ", failed " +
                           std::to_string(out.failed.size()));
  return json(out.failed.empty() || !out.replayed.empty() ? 200 : 409, std::move(b));
}

response purge(hub& h, std::string_view id, const std::map<std::string, std::string>& q) {
  auto c = q.find("confirm");
  if (c == q.end() || (c->second != "true" && c->second != "yes" && c->second != "1")) {
    return fail(400, "admin.confirm_required", "purging deletes messages for good: add confirm=true");
  }
  auto& store = h.dead_letter_store();
  std::vector<std::string> ids;
  if (!id.empty()) {
    if (!store.get(id)) return fail(404, "dlq.not_found", "no dead letter " + std::string(id));
    ids.emplace_back(id);
  } else {
    auto dq = query_of(q);
    dq.limit = store.count() + 1;
    dq.after.clear();
    for (const auto& s : store.list(dq).items) ids.push_back(s.id);
  }
  auto removed = store.remove(ids);
  if (!removed) {
    h.audit_admin_action("dlq.purge", "admin", removed.error().code);
    return fail(500, removed.error().code, removed.error().message);
  }
  h.audit_admin_action("dlq.purge", "admin", "purged " + std::to_string(*removed));
  return json(200, R"({"purged":)" + std::to_string(*removed) + "}");
}

}  // namespace

response handle_dlq(hub& h, std::string_view method, std::string_view path, std::string_view query,
                    std::string_view body) {
  auto q = parse_query(query);
  constexpr std::string_view base = "/admin/dlq";
  std::string_view rest = path.substr(base.size());
  if (rest.starts_with('/')) rest.remove_prefix(1);
  if (rest == "replay") {
    if (method != "POST") return fail(405, "admin.method", "use POST /admin/dlq/replay");
    return replay(h, body);
  }
  if (method == "GET") return rest.empty() ? list(h, q) : show(h, url_decode(rest));
  if (method == "DELETE") return purge(h, url_decode(rest), q);
  return fail(405, "admin.method", "method not allowed");
}

}  // namespace simpul::hub
