#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "hub/config/node.h"
#include "hub/config/spec.h"
#include "hub/error.h"

namespace simpul::connectors::mqtt {

/// Connector-level MQTT settings, read once from the validated config and
/// shared (immutable) by the input and output built from it.
struct settings {
  std::string url = "tcp://127.0.0.1:1883";
  std::string client_id;
  int version = 4;  ///< Paho's MQTTVERSION_3_1_1 (4) or MQTTVERSION_5 (5)
  bool clean_session = false;
  std::chrono::seconds keep_alive{30};
  std::chrono::milliseconds connect_timeout{10000};
  std::string username;
  std::string password;
  std::string ca_file, cert_file, key_file;
  std::string key_password;  ///< of an encrypted key_file
  bool verify = true;
  std::string will_topic, will_payload;
  int will_qos = 0;
  bool will_retain = false;
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{30000};
  std::size_t max_pending = 1000;  ///< received, not yet taken by the hub; more pauses the client
};

/// One subscription of an input route.
struct subscription {
  std::string filter;
  int qos = 1;
};

/// Per-route input options (`from:`).
struct route_settings {
  std::vector<subscription> topics;
  std::string content_type = "application/json";
};

const config::component_spec& mqtt_spec();

/// `name` is the connector's name, the default client id is `simpul-<name>`.
result<settings> read_settings(const config::node& n, const std::string& name);
result<route_settings> read_route_settings(const config::node& n);

/// True when `topic` matches the subscription `filter` (`+`, `#`, and a
/// `$share/<group>/` prefix, which is not part of the topic).
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace simpul::connectors::mqtt
