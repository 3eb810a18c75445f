#pragma once

#include <string_view>

namespace simpul::connectors::mqtt {

/// Paho C owns its sockets and never sets TCP_NODELAY, which costs a
/// one-message-at-a-time exchange ~40-90 ms of Nagle delay (DESIGN.md). This
/// finds this process's TCP sockets connected to remote port `port` (from
/// /proc/self/fd) and sets TCP_NODELAY on them. Every such socket belongs to
/// an MQTT client of the hub, for which the option is wanted anyway.
/// Returns how many sockets it set. Cheap enough to run once per connect.
int set_nodelay_on_sockets_to(int port);

/// The port of a `tcp://host:port` / `ssl://host:port` URL (1883/8883 when absent).
int port_of(std::string_view url);

}  // namespace simpul::connectors::mqtt
