#include "connectors/mqtt/mqtt_codec.h"

namespace simpul::connectors::mqtt::codec {

namespace {

// ---- encoding ------------------------------------------------------------

void put_u8(std::string& out, std::uint8_t v) { out.push_back(static_cast<char>(v)); }

void put_u16(std::string& out, std::uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xFF));
}

void put_u32(std::string& out, std::uint32_t v) {
  put_u16(out, static_cast<std::uint16_t>(v >> 16));
  put_u16(out, static_cast<std::uint16_t>(v & 0xFFFF));
}

void put_varint(std::string& out, std::size_t v) {
  do {
    std::uint8_t b = v % 128;
    v /= 128;
    if (v > 0) b |= 0x80;
    put_u8(out, b);
  } while (v > 0);
}

/// Strings and binary data longer than 65535 bytes cannot be encoded; the
/// settings reader keeps client ids, topics and credentials short, so this
/// truncation is a guard, not a path taken.
void put_str(std::string& out, std::string_view s) {
  if (s.size() > 0xFFFF) s = s.substr(0, 0xFFFF);
  put_u16(out, static_cast<std::uint16_t>(s.size()));
  out.append(s);
}

std::string frame(std::uint8_t first, const std::string& body) {
  std::string out;
  out.reserve(body.size() + 5);
  put_u8(out, first);
  put_varint(out, body.size());
  out += body;
  return out;
}

// ---- decoding --------------------------------------------------------------

/// A bounds-checked reader over one packet's body.
class reader {
 public:
  explicit reader(std::string_view s) : s_(s) {}
  bool empty() const { return pos_ == s_.size(); }
  std::size_t left() const { return s_.size() - pos_; }

  bool u8(std::uint8_t& v) {
    if (left() < 1) return false;
    v = static_cast<std::uint8_t>(s_[pos_++]);
    return true;
  }
  bool u16(std::uint16_t& v) {
    std::uint8_t a, b;
    if (!u8(a) || !u8(b)) return false;
    v = static_cast<std::uint16_t>((a << 8) | b);
    return true;
  }
  bool u32(std::uint32_t& v) {
    std::uint16_t a, b;
    if (!u16(a) || !u16(b)) return false;
    v = (static_cast<std::uint32_t>(a) << 16) | b;
    return true;
  }
  bool varint(std::size_t& v) {
    v = 0;
    std::size_t mult = 1;
    for (int i = 0; i < 4; ++i) {
      std::uint8_t b;
      if (!u8(b)) return false;
      v += (b & 0x7F) * mult;
      if ((b & 0x80) == 0) return true;
      mult *= 128;
    }
    return false;  // a fifth continuation byte
  }
  bool bytes(std::size_t n, std::string_view& out) {
    if (left() < n) return false;
    out = s_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool str(std::string& out) {
    std::uint16_t n;
    std::string_view v;
    if (!u16(n) || !bytes(n, v)) return false;
    out.assign(v);
    return true;
  }
  std::string_view rest() {
    auto r = s_.substr(pos_);
    pos_ = s_.size();
    return r;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

auto malformed(const std::string& what) { return make_error("mqtt.malformed", "malformed MQTT packet: " + what); }

/// What a v5 property block may carry that we use; the rest is validated and skipped.
struct props {
  std::optional<std::string> content_type;
  std::vector<std::pair<std::string, std::string>> user;
  std::uint16_t server_keep_alive = 0;
  std::uint16_t receive_maximum = 0;
  std::uint16_t topic_alias = 0;
  std::string reason;
};

result<void> read_props(reader& r, props& out) {
  std::size_t len;
  if (!r.varint(len)) return malformed("property length");
  std::string_view block;
  if (!r.bytes(len, block)) return malformed("property length exceeds the packet");
  reader p(block);
  while (!p.empty()) {
    std::size_t id;
    if (!p.varint(id)) return malformed("property id");
    std::uint8_t b = 0;
    std::uint16_t s = 0;
    std::uint32_t w = 0;
    std::size_t v = 0;
    std::string text, value;
    bool ok = true;
    switch (id) {
      case 0x01: case 0x17: case 0x19: case 0x24: case 0x25: case 0x28: case 0x29: case 0x2A:
        ok = p.u8(b);
        break;
      case 0x13:
        ok = p.u16(s);
        out.server_keep_alive = s;
        break;
      case 0x21:
        ok = p.u16(s) && s != 0;
        out.receive_maximum = s;
        break;
      case 0x22:
        ok = p.u16(s);
        break;
      case 0x23:
        ok = p.u16(s) && s != 0;
        out.topic_alias = s;
        break;
      case 0x02: case 0x11: case 0x18: case 0x27:
        ok = p.u32(w);
        break;
      case 0x0B:
        ok = p.varint(v) && v != 0;
        break;
      case 0x03:
        ok = p.str(text);
        if (ok) out.content_type = std::move(text);
        break;
      case 0x1F:
        ok = p.str(text);
        if (ok) out.reason = std::move(text);
        break;
      case 0x08: case 0x09: case 0x12: case 0x15: case 0x16: case 0x1A: case 0x1C:
        ok = p.str(text);  // strings and binary data share the encoding
        break;
      case 0x26:
        ok = p.str(text) && p.str(value);
        if (ok) out.user.emplace_back(std::move(text), std::move(value));
        break;
      default:
        return malformed("unknown property " + std::to_string(id));
    }
    if (!ok) return malformed("property " + std::to_string(id) + " truncated or invalid");
  }
  return {};
}

result<packet> decode_connack(std::uint8_t flags, reader r, int version) {
  if (flags != 0) return malformed("CONNACK flags");
  std::uint8_t ack_flags;
  connack c;
  if (!r.u8(ack_flags) || !r.u8(c.code)) return malformed("CONNACK too short");
  if ((ack_flags & 0xFE) != 0) return malformed("CONNACK acknowledge flags");
  c.session_present = ack_flags & 1;
  if (version == 5 && !r.empty()) {
    props p;
    if (auto ok = read_props(r, p); !ok) return std::unexpected(ok.error());
    c.server_keep_alive = p.server_keep_alive;
    c.receive_maximum = p.receive_maximum;
    c.reason = std::move(p.reason);
  }
  if (!r.empty()) return malformed("CONNACK has trailing bytes");
  return c;
}

result<packet> decode_publish(std::uint8_t flags, reader r, int version) {
  publish m;
  m.retain = flags & 1;
  m.qos = (flags >> 1) & 3;
  m.dup = flags & 8;
  if (m.qos == 3) return malformed("PUBLISH with QoS 3");
  if (m.qos == 0 && m.dup) return malformed("PUBLISH QoS 0 with DUP");
  if (!r.str(m.topic)) return malformed("PUBLISH topic");
  if (m.topic.find_first_of(std::string_view("+#\0", 3)) != std::string::npos) {
    return malformed("PUBLISH topic has a wildcard or NUL");
  }
  if (m.qos > 0) {
    if (!r.u16(m.packet_id) || m.packet_id == 0) return malformed("PUBLISH packet id");
  }
  if (version == 5) {
    props p;
    if (auto ok = read_props(r, p); !ok) return std::unexpected(ok.error());
    // We announce no topic alias maximum, so the broker may not use aliases.
    if (p.topic_alias != 0) return malformed("PUBLISH uses a topic alias we did not allow");
    m.content_type = std::move(p.content_type);
    m.user_properties = std::move(p.user);
  }
  if (m.topic.empty()) return malformed("PUBLISH with an empty topic");
  m.payload.assign(r.rest());
  return m;
}

result<packet> decode_suback(std::uint8_t flags, reader r, int version) {
  if (flags != 0) return malformed("SUBACK flags");
  suback s;
  if (!r.u16(s.packet_id) || s.packet_id == 0) return malformed("SUBACK packet id");
  if (version == 5) {
    props p;
    if (auto ok = read_props(r, p); !ok) return std::unexpected(ok.error());
  }
  if (r.empty()) return malformed("SUBACK without return codes");
  while (!r.empty()) {
    std::uint8_t c;
    r.u8(c);
    if (c > 2 && c < 0x80) return malformed("SUBACK return code " + std::to_string(c));
    s.codes.push_back(c);
  }
  return s;
}

result<packet> decode_ack(packet_type type, std::uint8_t flags, reader r, int version) {
  const std::uint8_t want = type == packet_type::pubrel ? 2 : 0;
  if (flags != want) return malformed("acknowledgement flags");
  ack a{type, 0, 0};
  if (!r.u16(a.packet_id) || a.packet_id == 0) return malformed("acknowledgement packet id");
  if (version == 5 && !r.empty()) {
    r.u8(a.reason);
    if (!r.empty()) {
      props p;
      if (auto ok = read_props(r, p); !ok) return std::unexpected(ok.error());
    }
  }
  if (!r.empty()) return malformed("acknowledgement has trailing bytes");
  return a;
}

}  // namespace

std::string encode_connect(const connect_options& o) {
  std::string body;
  put_str(body, "MQTT");
  put_u8(body, o.version == 5 ? 5 : 4);
  std::uint8_t flags = 0;
  if (o.clean) flags |= 0x02;
  if (!o.will_topic.empty()) {
    flags |= 0x04;
    flags |= static_cast<std::uint8_t>((o.will_qos & 3) << 3);
    if (o.will_retain) flags |= 0x20;
  }
  if (o.password) flags |= 0x40;
  if (o.username) flags |= 0x80;
  put_u8(body, flags);
  put_u16(body, o.keep_alive);
  if (o.version == 5) {
    std::string p;
    if (o.session_expiry) {
      put_u8(p, 0x11);
      put_u32(p, *o.session_expiry);
    }
    if (o.receive_maximum != 0) {
      put_u8(p, 0x21);
      put_u16(p, o.receive_maximum);
    }
    put_varint(body, p.size());
    body += p;
  }
  put_str(body, o.client_id);
  if (!o.will_topic.empty()) {
    if (o.version == 5) put_varint(body, 0);  // no will properties
    put_str(body, o.will_topic);
    put_str(body, o.will_payload);
  }
  if (o.username) put_str(body, *o.username);
  if (o.password) put_str(body, *o.password);
  return frame(0x10, body);
}

std::string encode_subscribe(int version, std::uint16_t packet_id, const std::vector<topic_request>& topics) {
  std::string body;
  put_u16(body, packet_id);
  if (version == 5) put_varint(body, 0);
  for (const auto& t : topics) {
    put_str(body, t.filter);
    put_u8(body, static_cast<std::uint8_t>(t.qos & 3));
  }
  return frame(0x82, body);
}

std::string encode_ack(packet_type type, std::uint16_t packet_id) {
  std::string body;
  put_u16(body, packet_id);
  const std::uint8_t flags = type == packet_type::pubrel ? 2 : 0;
  return frame(static_cast<std::uint8_t>((static_cast<std::uint8_t>(type) << 4) | flags), body);
}

std::string encode_pingreq() { return std::string("\xC0\x00", 2); }

std::string encode_disconnect() { return std::string("\xE0\x00", 2); }

result<packet> decode(std::uint8_t first, std::string_view body, int version) {
  const auto type = static_cast<packet_type>(first >> 4);
  const std::uint8_t flags = first & 0x0F;
  reader r(body);
  switch (type) {
    case packet_type::connack:
      return decode_connack(flags, r, version);
    case packet_type::publish:
      return decode_publish(flags, r, version);
    case packet_type::suback:
      return decode_suback(flags, r, version);
    case packet_type::puback:
    case packet_type::pubrec:
    case packet_type::pubrel:
    case packet_type::pubcomp:
    case packet_type::unsuback:
      if (type == packet_type::unsuback) {
        // Only the packet id matters to us; the v5 reason list is skipped.
        std::uint16_t id;
        if (flags != 0 || !r.u16(id) || id == 0) return malformed("UNSUBACK");
        return ack{type, id, 0};
      }
      return decode_ack(type, flags, r, version);
    case packet_type::pingresp:
      if (flags != 0 || !body.empty()) return malformed("PINGRESP");
      return pingresp{};
    case packet_type::disconnect: {
      if (flags != 0 || version != 5) return malformed("DISCONNECT from the broker");
      disconnect d;
      if (!r.empty()) r.u8(d.reason);
      if (!r.empty()) {
        props p;
        if (auto ok = read_props(r, p); !ok) return std::unexpected(ok.error());
      }
      if (!r.empty()) return malformed("DISCONNECT has trailing bytes");
      return d;
    }
    default:
      return malformed("packet type " + std::to_string(first >> 4) + " is not sent by a broker");
  }
}

result<std::optional<packet>> decoder::next() {
  const std::string_view data = std::string_view(buffer_).substr(start_);
  if (data.size() < 2) return std::optional<packet>{};
  std::size_t remaining = 0, mult = 1, i = 1;
  for (;; ++i) {
    if (i > 4) return malformed("remaining length longer than 4 bytes");
    if (i >= data.size()) return std::optional<packet>{};
    const auto b = static_cast<std::uint8_t>(data[i]);
    remaining += (b & 0x7F) * mult;
    mult *= 128;
    if ((b & 0x80) == 0) break;
  }
  if (remaining > max_packet_) return malformed("packet of " + std::to_string(remaining) + " bytes is too large");
  const std::size_t header = i + 1;
  if (data.size() - header < remaining) return std::optional<packet>{};
  auto p = decode(static_cast<std::uint8_t>(data[0]), data.substr(header, remaining), version_);
  if (!p) return std::unexpected(p.error());
  start_ += header + remaining;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ > 65536 && start_ * 2 > buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  return std::optional<packet>(std::move(*p));
}

}  // namespace simpul::connectors::mqtt::codec
