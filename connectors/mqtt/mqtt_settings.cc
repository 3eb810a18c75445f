#include "connectors/mqtt/mqtt_settings.h"

#include "connectors/field_builder.h"

namespace simpul::connectors::mqtt {

namespace {

using config::field_type;
using connectors::field;

config::component_spec build_spec() {
  config::component_spec s;
  s.type = "mqtt";
  s.summary = "MQTT 3.1.1/5 client: subscribe (input) and publish (output), TLS, persistent sessions";
  s.input = true;
  s.output = true;
  s.fields = {
      field("url", field_type::string, "Broker URL: tcp://host:1883 or ssl://host:8883")
          .required()
          .example("tcp://127.0.0.1:1883"),
      field("client_id", field_type::string,
            "Client id (default simpul-<name>); the output uses <client_id>-pub. Keep it stable: "
            "the broker keeps the persistent session under it"),
      field("version", field_type::string, "MQTT protocol version").fallback("3.1.1").one_of({"3.1.1", "5"}),
      field("clean_session", field_type::boolean,
            "Start a new session on connect. false keeps subscriptions and queued QoS 1/2 "
            "messages across reconnects and hub restarts")
          .fallback("false"),
      field("keep_alive", field_type::duration, "Keep-alive interval").fallback("30s"),
      field("connect_timeout", field_type::duration, "Deadline for a connection attempt").fallback("10s"),
      field("username", field_type::string, "User name"),
      field("password", field_type::string, "Password").secret(),
      field("ca_file", field_type::string, "PEM CA bundle to verify the broker (ssl://)"),
      field("cert_file", field_type::string, "PEM client certificate (mutual TLS)"),
      field("key_file", field_type::string, "PEM private key of cert_file"),
      field("key_password", field_type::string, "Password of an encrypted key_file").secret(),
      field("verify", field_type::boolean, "Verify the broker's certificate and host name").fallback("true"),
      field("will_topic", field_type::string, "Last-will topic (empty = no will)"),
      field("will_payload", field_type::string, "Last-will payload"),
      field("will_qos", field_type::integer, "Last-will QoS").fallback("0").one_of({"0", "1", "2"}),
      field("will_retain", field_type::boolean, "Retain the last will").fallback("false"),
      field("reconnect_min", field_type::duration, "First reconnect delay (doubles up to reconnect_max)")
          .fallback("500ms"),
      field("reconnect_max", field_type::duration, "Longest reconnect delay").fallback("30s"),
      field("max_pending", field_type::integer,
            "Input: received messages waiting for the hub; above this the client disconnects until "
            "they are taken (the persistent session keeps the rest at the broker)")
          .fallback("1000"),
  };
  s.route_fields = {
      field("topics", field_type::any,
            "Subscriptions: a list of filters (strings) or of {filter, qos} objects (qos default 1). "
            "Shared subscriptions ($share/group/filter) split messages between hubs")
          .required()
          .example("[pemkab/+/sensor/#]"),
      field("content_type", field_type::string,
            "Content type when the message carries none (the MQTT 5 content-type property wins)")
          .fallback("application/json"),
  };
  s.output_fields = {
      field("topic", field_type::string,
            "Topic template: {{route}}, {{id}}, {{key}}, {{attr.NAME}}, {{header.NAME}}, {{date}}")
          .required()
          .example("national/satudata/{{attr.topic_1}}"),
      field("qos", field_type::integer, "Publish QoS").fallback("1").one_of({"0", "1", "2"}),
      field("retain", field_type::boolean, "Set the retain flag").fallback("false"),
      field("timeout", field_type::duration, "Deadline for the broker's acknowledgement").fallback("10s"),
  };
  return s;
}

}  // namespace

const config::component_spec& mqtt_spec() {
  static const config::component_spec spec = build_spec();
  return spec;
}

result<settings> read_settings(const config::node& n, const std::string& name) {
  settings s;
  s.url = n.get_string("url", s.url);
  if (!s.url.starts_with("tcp://") && !s.url.starts_with("ssl://") && !s.url.starts_with("mqtt://") &&
      !s.url.starts_with("mqtts://")) {
    return make_error("mqtt.url", "url must start with tcp:// or ssl:// (got '" + s.url + "')");
  }
  s.client_id = n.get_string("client_id", "simpul-" + name);
  auto version = n.get_string("version", "3.1.1");
  if (version == "5") s.version = 5;
  else if (version == "3.1.1") s.version = 4;
  else return make_error("mqtt.version", "version must be 3.1.1 or 5 (got '" + version + "')");
  s.clean_session = n.get_bool("clean_session", false);
  s.keep_alive = std::chrono::duration_cast<std::chrono::seconds>(
      n.get_duration("keep_alive", std::chrono::seconds(30)));
  s.connect_timeout = n.get_duration("connect_timeout", s.connect_timeout);
  s.username = n.get_string("username");
  s.password = n.get_string("password");
  s.ca_file = n.get_string("ca_file");
  s.cert_file = n.get_string("cert_file");
  s.key_file = n.get_string("key_file");
  s.key_password = n.get_string("key_password");
  s.verify = n.get_bool("verify", true);
  s.will_topic = n.get_string("will_topic");
  s.will_payload = n.get_string("will_payload");
  s.will_qos = static_cast<int>(n.get_int("will_qos", 0));
  s.will_retain = n.get_bool("will_retain", false);
  s.reconnect_min = n.get_duration("reconnect_min", s.reconnect_min);
  s.reconnect_max = n.get_duration("reconnect_max", s.reconnect_max);
  auto pending = n.get_int("max_pending", 1000);
  if (pending < 1) return make_error("mqtt.max_pending", "max_pending must be at least 1");
  s.max_pending = static_cast<std::size_t>(pending);
  if (s.reconnect_min.count() <= 0 || s.reconnect_max < s.reconnect_min) {
    return make_error("mqtt.reconnect", "need 0 < reconnect_min <= reconnect_max");
  }
  if (s.will_qos < 0 || s.will_qos > 2) return make_error("mqtt.will_qos", "will_qos must be 0, 1 or 2");
  if (!s.cert_file.empty() && s.key_file.empty()) {
    return make_error("mqtt.tls", "cert_file needs key_file");
  }
  return s;
}

result<route_settings> read_route_settings(const config::node& n) {
  route_settings r;
  r.content_type = n.get_string("content_type", r.content_type);
  const config::node* topics = n.find("topics");
  if (topics == nullptr || topics->is_null()) return make_error("mqtt.topics", "topics is required");
  auto add = [&](const config::node& item) -> result<void> {
    if (item.is_scalar()) {
      r.topics.push_back({item.text(), 1});
      return {};
    }
    if (item.is_map()) {
      subscription s{item.get_string("filter"), static_cast<int>(item.get_int("qos", 1))};
      if (s.qos < 0 || s.qos > 2) return make_error("mqtt.qos", "qos must be 0, 1 or 2");
      r.topics.push_back(std::move(s));
      return {};
    }
    return make_error("mqtt.topics", "each topic is a filter string or {filter, qos}");
  };
  if (topics->is_sequence()) {
    for (const auto& item : topics->items()) {
      if (auto ok = add(item); !ok) return std::unexpected(ok.error());
    }
  } else if (auto ok = add(*topics); !ok) {
    return std::unexpected(ok.error());
  }
  for (const auto& s : r.topics) {
    if (s.filter.empty()) return make_error("mqtt.topics", "empty topic filter");
  }
  if (r.topics.empty()) return make_error("mqtt.topics", "topics is empty");
  return r;
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  if (filter.starts_with("$share/")) {
    auto slash = filter.find('/', 7);
    if (slash == std::string_view::npos) return false;
    filter = filter.substr(slash + 1);
  }
  while (true) {
    auto fend = filter.find('/');
    auto tend = topic.find('/');
    std::string_view f = filter.substr(0, fend);
    std::string_view t = topic.substr(0, tend);
    if (f == "#") return true;
    if (f != "+" && f != t) return false;
    bool flast = fend == std::string_view::npos;
    bool tlast = tend == std::string_view::npos;
    if (flast && tlast) return true;
    if (tlast) return filter.substr(fend + 1) == "#";  // "a/#" matches "a"
    if (flast) return false;
    filter = filter.substr(fend + 1);
    topic = topic.substr(tend + 1);
  }
}

}  // namespace simpul::connectors::mqtt
