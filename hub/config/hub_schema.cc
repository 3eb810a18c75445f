#include "hub/config/hub_schema.h"

namespace simpul::config {
namespace {

field_spec field(std::string name, field_type type, std::string doc, std::string def = {}) {
  field_spec f;
  f.name = std::move(name);
  f.type = type;
  f.doc = std::move(doc);
  f.default_value = std::move(def);
  return f;
}

field_spec required(field_spec f) {
  f.required = true;
  return f;
}

field_spec allowed(field_spec f, std::vector<std::string> values) {
  f.allowed = std::move(values);
  return f;
}

field_spec at_least(field_spec f, double min) {
  f.min = min;
  return f;
}

field_spec secret(field_spec f) {
  f.secret = true;
  return f;
}

field_spec nested(field_spec f, std::vector<field_spec> fields) {
  f.fields = std::move(fields);
  return f;
}

// The listener `tls:` block; the http_server input has the same fields
// (connectors/http/security_config.cc), which the same reader turns into a
// TLS context.
std::vector<field_spec> admin_tls_fields() {
  return {
      field("cert_file", field_type::string, "PEM certificate chain; with it: HTTPS only."),
      field("key_file", field_type::string, "PEM private key of cert_file."),
      secret(field("key_password", field_type::string, "Password of an encrypted key_file.")),
      allowed(field("client_certs", field_type::string,
                    "Client certificates: none, optional, require.", "none"),
              {"none", "optional", "require"}),
      field("client_ca_file", field_type::string, "CAs trusted for client certificates."),
      field("crl_file", field_type::string, "PEM CRL checked for client certificates."),
      allowed(field("min_version", field_type::string, "Lowest TLS version.", "1.2"),
              {"1.2", "1.3"}),
  };
}

}  // namespace

const std::vector<field_spec>& hub_fields() {
  static const std::vector<field_spec> fields = {
      field("name", field_type::string, "Name of this hub instance (logs, metrics).", "simpul"),
      field("data_dir", field_type::string,
            "Spool, DLQ and connector state; relative to the config file's folder.", "data"),
      allowed(field("log_level", field_type::string, "Least severe level logged.", "info"),
              {"trace", "debug", "info", "warn", "error"}),
      allowed(field("log_format", field_type::string, "Log line format.", "text"),
              {"text", "json"}),
      at_least(field("threads", field_type::integer, "I/O threads.", "2"), 1),
      field("shutdown_timeout", field_type::duration,
            "How long a shutdown waits for in-flight messages.", "10s"),
      nested(field("admin", field_type::object, "The admin/metrics listener."),
             {
                 field("listen", field_type::host_port,
                       "Address of /metrics, /healthz, /readyz and /admin.", "127.0.0.1:9464"),
                 secret(field("token", field_type::string,
                              "Bearer token for /admin/*; without it the admin API is off. "
                              "Must be a ${env:..} or ${file:..} substitution.")),
                 field("open_health", field_type::boolean,
                       "Serve /metrics, /healthz and /readyz without the token.", "true"),
                 allowed(field("open_health_from", field_type::string,
                               "Who gets the open health endpoints without the token: "
                               "loopback (127.0.0.1/::1) only, or any caller (set `any` "
                               "when Prometheus or kubelet probes come from other hosts).",
                               "loopback"),
                         {"any", "loopback"}),
                 nested(field("tls", field_type::object,
                              "Serve the admin listener over HTTPS (same fields as an "
                              "http_server's tls; see docs/security.md)."),
                        admin_tls_fields()),
             }),
      nested(field("masking", field_type::object,
                   "Personal-data masking of logs and admin listings (docs/security.md); the "
                   "NIK, phone and e-mail detectors always run."),
             {
                 field("paths", field_type::string_list,
                       "JSON paths masked whole: `pelapor.nik`, `$..email`, `items[*].telepon`."),
                 field("name_keys", field_type::string_list,
                       "Keys whose values are names/addresses (replaces the default list: nama, "
                       "alamat, name, address, ...)."),
                 field("nik_keys", field_type::string_list,
                       "Keys whose values are NIK / No. KK even when implausible (replaces the "
                       "default list: nik, no_kk, ...)."),
             }),
      nested(field("audit", field_type::object,
                   "Tamper-evident audit log (hash chain, HMAC or Ed25519); on when `key` is set."),
             {
                 field("file", field_type::string,
                       "Audit log file; relative to the config file's folder.",
                       "<data_dir>/audit/audit.log"),
                 secret(field("key", field_type::string,
                              "HMAC-SHA256 secret (32 bytes or more) or an Ed25519 private key "
                              "(PKCS#8 PEM). Must be a ${env:..} or ${file:..} substitution.")),
                 field("fsync", field_type::boolean,
                       "Sync the file once per written batch of records.", "true"),
             }),
  };
  return fields;
}

const std::vector<field_spec>& top_level_fields() {
  static const std::vector<field_spec> fields = {
      nested(field("hub", field_type::object, "Settings of the hub process."), hub_fields()),
      field("connectors", field_type::any,
            "Named connectors: `name: {type: ..., <the type's fields>}`."),
      field("mappings", field_type::string_map,
            "Named mapping files: `name: path` (relative to the config file's folder)."),
      field("routes", field_type::any, "Named routes: `name: {from, steps, to, ...}`."),
  };
  return fields;
}

const std::vector<field_spec>& route_fields() {
  static const std::vector<field_spec> fields = {
      required(field("from", field_type::any,
                     "The input: a connector name, or `{connector: NAME, <the input's route "
                     "options>}`.")),
      field("when", field_type::string,
            "JSONata condition on the incoming message; the route takes only messages for "
            "which it is true."),
      allowed(field("mode", field_type::string,
                    "`accept`: store and forward (the input is answered once the message is "
                    "durable). `request_reply`: the caller waits for the answer of the first "
                    "output whose `when` matches (only inputs that support it). `forward`: no "
                    "spool; the message is delivered at once and the input is answered once "
                    "every matching output has it (a failed delivery answers 'retry later', so "
                    "the sender keeps the message: an MQTT broker redelivers it, an HTTP caller "
                    "gets 503).",
                    "accept"),
              {"accept", "request_reply", "forward"}),
      field("reply_map", field_type::string,
            "Request-reply: a mapping under `mappings:` applied to the output's 2xx answer "
            "before the caller gets it (e.g. back to the caller's field names)."),
      field("ordered", field_type::boolean,
            "Deliver messages with the same key in order: one at a time per key, and a failed "
            "message keeps its key until it is delivered or dead-lettered (its later messages "
            "wait behind its retries). Different keys, and messages without a key, go in "
            "parallel. The key comes from the input (HTTP: `X-Message-Key` header).",
            "false"),
      field("steps", field_type::any, "Processing steps, in order (see below)."),
      required(field("to", field_type::any,
                     "One or more outputs: a connector name, `{connector: NAME, when: COND, "
                     "<the output's options>}`, or a list of these.")),
      nested(field("retry", field_type::object,
                   "Delivery retries, then the DLQ (accept mode; in forward mode the input offers "
                   "the message again after `initial_backoff`, or the output's Retry-After)."),
             {
                 at_least(field("max_attempts", field_type::integer,
                                "Attempts including the first.", "10"),
                          1),
                 field("initial_backoff", field_type::duration, "Wait before the 2nd attempt.",
                       "500ms"),
                 field("max_backoff", field_type::duration, "Longest wait between attempts.", "5m"),
                 at_least(field("multiplier", field_type::number, "Growth of the wait per attempt.",
                                "2"),
                          1),
             }),
      field("timeout", field_type::duration,
            "Request-reply: the caller is answered 504 after this long without a reply.", "30s"),
      allowed(field("durability", field_type::string,
                    "`fsync`: the spool flushes to disk before the input is answered. `write`: "
                    "written to the OS only (faster, may lose messages on power loss).",
                    "fsync"),
              {"fsync", "write"}),
      at_least(field("max_messages", field_type::integer,
                     "Bound on queued messages; beyond it the input is pushed back.", "100000"),
               1),
      field("max_bytes", field_type::size, "Bound on queued bytes.", "256MiB"),
  };
  return fields;
}

const std::vector<field_spec>& route_from_fields() {
  static const std::vector<field_spec> fields = {
      required(field("connector", field_type::string, "Name of an input connector.")),
  };
  return fields;
}

const std::vector<field_spec>& route_to_fields() {
  static const std::vector<field_spec> fields = {
      required(field("connector", field_type::string, "Name of an output connector.")),
      field("when", field_type::string,
            "JSONata condition: deliver to this output only when true."),
      field("concurrency", field_type::integer,
            "Deliveries to this output in flight at once (accept mode, 1..4096; "
            "with `ordered`, still one at a time per key).",
            "64"),
  };
  return fields;
}

const std::vector<field_spec>& step_kinds() {
  static const std::vector<field_spec> kinds = {
      field("validate", field_type::string,
            "JSON Schema file the message must satisfy (relative to the config file's "
            "folder); invalid messages are rejected."),
      field("map", field_type::string, "Name of a mapping under `mappings:`."),
      field("filter", field_type::string,
            "JSONata condition; messages for which it is false are dropped (counted)."),
      field("split", field_type::string,
            "JSONata path to an array; each element continues as its own message.", "$"),
  };
  return kinds;
}

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace simpul::config
