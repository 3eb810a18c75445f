// libFuzzer target for the MQTT decoder of the input client: whatever a
// broker (or something in between) sends must decode or fail cleanly, never
// crash or read out of bounds. The first byte picks the protocol version and
// how the rest is split into reads (the decoder is incremental).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "connectors/mqtt/mqtt_codec.h"

using namespace simpul::connectors::mqtt::codec;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int version = (data[0] & 1) ? 5 : 4;
  const std::size_t chunk = 1 + (data[0] >> 1);  // 1..128 bytes per read
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  decoder d(version, 1 << 20);
  for (std::size_t pos = 0; pos < in.size(); pos += chunk) {
    d.feed(in.substr(pos, chunk));
    while (true) {
      auto next = d.next();
      if (!next) return 0;  // malformed: the connection would be closed
      if (!*next) break;    // needs more bytes
      if (auto* p = std::get_if<publish>(&**next)) {
        if (p->qos < 0 || p->qos > 2 || (p->qos > 0 && p->packet_id == 0) || p->topic.empty()) std::abort();
      }
    }
  }
  return 0;
}
