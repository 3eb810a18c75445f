#include "hub/cli/dlq_command.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "connectors/registry.h"
#include "hub/cli/admin_client.h"
#include "hub/config/config_loader.h"

namespace simpul::cli {
namespace {

constexpr std::string_view help_text =
    "usage: simpul dlq <list|show|replay|purge> [options]\n"
    "\n"
    "  list [--route R] [--reason CODE] [--limit N]   dead letters, oldest first\n"
    "  show ID                                      one entry with its message body (and,\n"
    "                                               for a delivery failure, the original)\n"
    "  replay ID... | --route R | --reason CODE | --all [--remap]\n"
    "                     hand entries back to their route as configured now;\n"
    "                     each leaves the DLQ once the spool holds it again\n"
    "                     (a forward route: once its output took it).\n"
    "                     A delivery failure is resent as it was mapped, unless\n"
    "                     --remap: then the route's current condition and steps\n"
    "                     map the original message again for the failed output\n"
    "  purge ID... | --route R | --reason CODE | --all [--yes]\n"
    "                     delete entries for good (asks first unless --yes)\n"
    "\n"
    "Where the hub is (first that is given wins):\n"
    "  --admin URL        http://HOST:PORT of the admin API   (env SIMPUL_ADMIN_URL)\n"
    "  --token TOKEN      the admin bearer token            (env SIMPUL_ADMIN_TOKEN)\n"
    "  -c, --config FILE  read hub.admin (listen address and token) from the config\n"
    "  --json             print the API's JSON answer instead of a table\n"
    "\n"
    "Exit status: 0 done, 1 the API refused or some entries failed, 2 usage error.\n";

void out(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }
void err(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stderr); }

int usage(std::string_view why) {
  err("simpul dlq: " + std::string(why) + "\n\n");
  err(help_text);
  return 2;
}

struct options {
  std::string sub;
  std::vector<std::string> ids;
  std::string route, reason, limit, config, admin, token;
  bool all = false, yes = false, json = false, token_set = false, remap = false;
};

std::string str(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd()) return {};
  if (it->value.IsString()) return it->value.GetString();
  if (it->value.IsInt64()) return std::to_string(it->value.GetInt64());
  return {};
}

/// Prints the API's error and returns 1.
int api_error(const admin_reply& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str());
  if (!d.HasParseError() && d.IsObject() && d.HasMember("error") && d["error"].IsObject()) {
    err("simpul dlq: " + str(d["error"], "message") + " (" + str(d["error"], "code") + ", HTTP " +
        std::to_string(r.status) + ")\n");
  } else {
    err("simpul dlq: HTTP " + std::to_string(r.status) + ": " + r.body + "\n");
  }
  return 1;
}

result<admin_target> resolve_target(const options& o) {
  admin_target t;
  if (!o.config.empty()) {
    connectors::registry reg;
    connectors::register_all(reg);
    auto cfg = config::load_config(o.config, reg);
    if (!cfg) {
      std::string why;
      for (const auto& p : cfg.error()) why += "\n  " + config::format_problem(p);
      return make_error("cli.config", o.config + " is not valid:" + why);
    }
    const auto& a = cfg->hub.admin;
    t.host = a.host == "0.0.0.0" ? "127.0.0.1" : a.host == "::" ? "::1" : a.host;
    t.port = std::to_string(a.port);
    t.token = a.token;
  }
  const char* env_url = std::getenv("SIMPUL_ADMIN_URL");
  if (!o.admin.empty()) {
    if (auto r = parse_admin_url(o.admin, t); !r) return std::unexpected(r.error());
  } else if (env_url && *env_url && o.config.empty()) {
    if (auto r = parse_admin_url(env_url, t); !r) return std::unexpected(r.error());
  }
  const char* env_token = std::getenv("SIMPUL_ADMIN_TOKEN");
  if (o.token_set) {
    t.token = o.token;
  } else if (env_token && *env_token && t.token.empty()) {
    t.token = env_token;
  }
  return t;
}

std::string filter_query(const options& o) {
  std::string q;
  auto add = [&](std::string_view k, const std::string& v) {
    if (v.empty()) return;
    q += q.empty() ? '?' : '&';
    q += std::string(k) + "=" + url_encode(v);
  };
  add("route", o.route);
  add("reason", o.reason);
  add("limit", o.limit);
  return q;
}

void pad(std::string& line, std::string_view cell, std::size_t width) {
  line += cell;
  line.append(cell.size() < width ? width - cell.size() : 1, ' ');
}

int list(const admin_target& t, const options& o) {
  auto r = admin_request(t, "GET", "/admin/dlq" + filter_query(o));
  if (!r) return err("simpul dlq: " + r.error().message + "\n"), 1;
  if (r->status != 200) return api_error(*r);
  if (o.json) return out(r->body + "\n"), 0;
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("items") || !d["items"].IsArray()) {
    return err("simpul dlq: unexpected answer: " + r->body + "\n"), 1;
  }
  std::string line;
  pad(line, "ID", 28), pad(line, "ROUTE", 16), pad(line, "TARGET", 16), pad(line, "REASON", 22);
  pad(line, "STATUS", 7), pad(line, "ATTEMPTS", 9), line += "DEAD-LETTERED\n";
  out(line);
  for (const auto& e : d["items"].GetArray()) {
    line.clear();
    pad(line, str(e, "id"), 28), pad(line, str(e, "route"), 16);
    pad(line, str(e, "target").empty() ? "-" : str(e, "target"), 16);
    pad(line, str(e, "reason"), 22), pad(line, str(e, "last_status"), 7);
    pad(line, str(e, "attempts"), 9);
    line += str(e, "dead_lettered") + "\n";
    out(line);
  }
  out(std::to_string(d["items"].Size()) + " shown, " + str(d, "total") + " in the DLQ" +
      (str(d, "next").empty() ? "" : " (more: narrow with --route/--reason or raise --limit)") +
      "\n");
  return 0;
}

int show(const admin_target& t, const options& o) {
  if (o.ids.size() != 1) return usage("show takes exactly one ID");
  auto r = admin_request(t, "GET", "/admin/dlq/" + url_encode(o.ids[0]));
  if (!r) return err("simpul dlq: " + r.error().message + "\n"), 1;
  if (r->status != 200) return api_error(*r);
  if (o.json) return out(r->body + "\n"), 0;
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  if (d.HasParseError() || !d.IsObject()) return err("simpul dlq: unexpected answer\n"), 1;
  for (const char* k : {"id", "route", "target", "reason", "reason_text", "last_status",
                        "last_response", "attempts", "first_failure", "dead_lettered",
                        "trace_id", "message_id"}) {
    out(std::string(k) + ": " + str(d, k) + "\n");
  }
  if (d.HasMember("message") && d["message"].IsObject()) {
    const auto& m = d["message"];
    out("content_type: " + str(m, "content_type") + "\n");
    if (m.HasMember("headers") && m["headers"].IsObject()) {
      for (const auto& h : m["headers"].GetObject()) {
        if (h.value.IsString()) out(std::string("header ") + h.name.GetString() + ": " + h.value.GetString() + "\n");
      }
    }
    out("body:\n" + str(m, "body") + "\n");
  }
  if (d.HasMember("original") && d["original"].IsObject()) {
    // Delivery failures: the message before the route's steps (replay --remap maps it again).
    const auto& m = d["original"];
    out("original content_type: " + str(m, "content_type") + "\n");
    out("original body:\n" + str(m, "body") + "\n");
  }
  return 0;
}

std::string selection_body(const options& o) {
  if (!o.ids.empty()) {
    std::string b = o.remap ? R"({"remap":true,"ids":[)" : R"({"ids":[)";
    for (std::size_t i = 0; i < o.ids.size(); ++i) {
      if (i) b += ',';
      b += '"';
      for (char c : o.ids[i]) {
        if (c == '"' || c == '\\') b += '\\';
        b += c;
      }
      b += '"';
    }
    return b + "]}";
  }
  std::string b = "{";
  auto add = [&](const char* k, const std::string& v) {
    if (v.empty()) return;
    if (b.size() > 1) b += ',';
    b += std::string("\"") + k + "\":\"";
    for (char c : v) {
      if (c == '"' || c == '\\') b += '\\';
      b += c;
    }
    b += '"';
  };
  add("route", o.route);
  add("reason", o.reason);
  if (o.all) b += std::string(b.size() > 1 ? "," : "") + "\"all\":true";
  if (o.remap) b += std::string(b.size() > 1 ? "," : "") + "\"remap\":true";
  return b + "}";
}

int replay(const admin_target& t, const options& o) {
  if (o.ids.empty() && o.route.empty() && o.reason.empty() && !o.all) {
    return usage("replay needs IDs, --route, --reason or --all");
  }
  auto r = admin_request(t, "POST", "/admin/dlq/replay", selection_body(o), std::chrono::seconds(300));
  if (!r) return err("simpul dlq: " + r.error().message + "\n"), 1;
  if (r->status != 200 && r->status != 409) return api_error(*r);
  if (o.json) out(r->body + "\n");
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  if (d.HasParseError() || !d.IsObject()) return err("simpul dlq: unexpected answer\n"), 1;
  std::size_t failed = d.HasMember("failed") && d["failed"].IsArray() ? d["failed"].Size() : 0;
  if (!o.json) {
    out("replayed " + str(d, "replayed") + "\n");
    if (failed) {
      for (const auto& f : d["failed"].GetArray()) {
        err("failed " + str(f, "id") + ": " + str(f, "message") + " (" + str(f, "code") + ")\n");
      }
    }
  }
  return failed ? 1 : 0;
}

int purge(const admin_target& t, const options& o) {
  if (o.ids.empty() && o.route.empty() && o.reason.empty() && !o.all) {
    return usage("purge needs IDs, --route, --reason or --all");
  }
  if (!o.yes) {
    std::string what = !o.ids.empty() ? std::to_string(o.ids.size()) + " entr" + (o.ids.size() == 1 ? "y" : "ies")
                                      : std::string("every entry") +
                                            (o.route.empty() ? "" : " of route " + o.route) +
                                            (o.reason.empty() ? "" : " with reason " + o.reason);
    err("Delete " + what + " from the dead-letter queue for good? [y/N] ");
    std::string answer;
    if (!std::getline(std::cin, answer) || (answer != "y" && answer != "Y" && answer != "yes")) {
      err("not purged\n");
      return 1;
    }
  }
  std::size_t purged = 0;
  if (!o.ids.empty()) {
    for (const auto& id : o.ids) {
      auto r = admin_request(t, "DELETE", "/admin/dlq/" + url_encode(id) + "?confirm=true");
      if (!r) return err("simpul dlq: " + r.error().message + "\n"), 1;
      if (r->status != 200) return api_error(*r);
      ++purged;
    }
    out("purged " + std::to_string(purged) + "\n");
    return 0;
  }
  options filter = o;
  filter.limit.clear();
  auto q = filter_query(filter);
  q += (q.empty() ? "?" : "&") + std::string("confirm=true");
  auto r = admin_request(t, "DELETE", "/admin/dlq" + q);
  if (!r) return err("simpul dlq: " + r.error().message + "\n"), 1;
  if (r->status != 200) return api_error(*r);
  if (o.json) return out(r->body + "\n"), 0;
  rapidjson::Document d;
  d.Parse(r->body.c_str());
  out("purged " + (d.IsObject() ? str(d, "purged") : std::string("?")) + "\n");
  return 0;
}

}  // namespace

int run_dlq_command(std::span<const std::string_view> args) {
  options o;
  if (args.empty()) return usage("which subcommand?");
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = std::string(args[++i]);
      return true;
    };
    if (a == "-h" || a == "--help") return out(help_text), 0;
    bool ok = true;
    if (a == "--route") ok = value(o.route);
    else if (a == "--reason") ok = value(o.reason);
    else if (a == "--limit") ok = value(o.limit);
    else if (a == "-c" || a == "--config") ok = value(o.config);
    else if (a == "--admin") ok = value(o.admin);
    else if (a == "--token") ok = value(o.token), o.token_set = true;
    else if (a == "--all") o.all = true;
    else if (a == "--remap") o.remap = true;
    else if (a == "--yes" || a == "-y") o.yes = true;
    else if (a == "--json") o.json = true;
    else if (a.starts_with("-")) return usage("unknown option '" + std::string(a) + "'");
    else if (o.sub.empty()) o.sub = std::string(a);
    else o.ids.emplace_back(a);
    if (!ok) return usage(std::string(a) + " needs a value");
  }
  if (o.sub != "list" && o.sub != "show" && o.sub != "replay" && o.sub != "purge") {
    return usage("unknown subcommand '" + o.sub + "'");
  }
  if (o.sub == "list" && !o.ids.empty()) return usage("list takes no IDs (use show)");
  auto t = resolve_target(o);
  if (!t) return err("simpul dlq: " + t.error().message + "\n"), 2;
  if (o.sub == "list") return list(*t, o);
  if (o.sub == "show") return show(*t, o);
  if (o.sub == "replay") return replay(*t, o);
  return purge(*t, o);
}

}  // namespace simpul::cli
