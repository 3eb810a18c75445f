#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hub/config/node.h"

namespace simpul::config {

/// One thing wrong with a config, printed as `FILE:LINE:COL: path: message`.
struct problem {
  config::mark where;
  std::string path;     ///< dotted path, e.g. "routes.lapor.to[1].connector"
  std::string message;  ///< "what is wrong (what was expected)"; never holds a secret
};

std::string format_problem(const problem& p);

struct admin_settings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9464;
  std::string token;         ///< bearer token for /admin/*; empty = admin API off
  bool open_health = true;   ///< /metrics, /healthz, /readyz without token
};

struct hub_settings {
  std::string name = "simpul";
  std::filesystem::path data_dir = "data";
  std::string log_level = "info";
  std::string log_format = "text";  ///< text | json
  int threads = 2;
  std::chrono::milliseconds shutdown_timeout{10'000};
  admin_settings admin;
};

struct connector_config {
  std::string name;
  std::string type;
  node_ptr settings;  ///< validated against the type's spec, defaults filled
  config::mark where;
};

struct mapping_ref {
  std::string name;
  std::filesystem::path file;  ///< resolved relative to the config file's folder
  config::mark where;
};

struct step_config {
  enum class kind { validate, map, filter, split };
  kind type = kind::map;
  /// validate: schema file path (resolved); map: mapping name;
  /// filter: JSONata condition (keep when true); split: JSONata path to the
  /// array to split (default "$": the body itself).
  std::string arg;
  config::mark where;
};

struct target_config {
  std::string connector;
  std::string when;    ///< JSONata condition; empty = always
  int concurrency = 64;  ///< deliveries to this output in flight at once (accept mode)
  node_ptr options;    ///< the entry's per-output options (spec().output_fields)
  config::mark where;
};

struct retry_policy {
  int max_attempts = 10;  ///< including the first; then the message is dead-lettered
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{300'000};
  double multiplier = 2.0;
};

/// accept: store and acknowledge (HTTP 202), deliver later.
/// request_reply: call the output now and answer with its response.
/// forward: deliver now, no spool; acknowledge once every output has it.
enum class route_mode { accept, request_reply, forward };

/// `from: {dedup: {key: ..., window: 24h}}`: accept a message once per key
/// within the window (hub/route/route.h).
struct dedup_config {
  bool enabled = false;
  std::string header;      ///< key from this header ("header:NAME")
  std::string expression;  ///< or from this JSONata expression on the message
  std::chrono::milliseconds window{24 * 3600 * 1000};
  config::mark where;
};

struct route_config {
  std::string name;
  std::string from;        ///< input connector name
  node_ptr from_options;   ///< per-route input options (spec().route_fields), defaults filled
  std::string when;        ///< JSONata condition on the incoming message; empty = all
  route_mode mode = route_mode::accept;
  std::string reply_map;   ///< request-reply: mapping applied to a 2xx answer; empty = none
  bool ordered = false;    ///< keep per-key order on delivery
  std::vector<step_config> steps;
  std::vector<target_config> to;
  retry_policy retry;
  std::chrono::milliseconds timeout{30'000};  ///< request-reply: answer 504 after this
  std::string durability = "fsync";           ///< fsync | write (spool policy)
  std::uint64_t max_messages = 100'000;       ///< bound on queued messages (spool/queue)
  std::uint64_t max_bytes = 256ull << 20;     ///< bound on queued bytes
  dedup_config dedup;                         ///< from.dedup; accept mode only
  config::mark where;
};

/// The whole validated configuration. Immutable once loaded; shared as
/// `shared_ptr<const hub_config>`; a reload builds a new one.
struct hub_config {
  std::filesystem::path file;
  hub_settings hub;
  std::vector<connector_config> connectors;
  std::vector<mapping_ref> mappings;
  std::vector<route_config> routes;
  node_ptr root;

  const connector_config* find_connector(std::string_view name) const;
  const mapping_ref* find_mapping(std::string_view name) const;
};

}  // namespace simpul::config
