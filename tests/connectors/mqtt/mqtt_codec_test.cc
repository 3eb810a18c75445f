#include "connectors/mqtt/mqtt_codec.h"

#include <random>

#include <gtest/gtest.h>

namespace simpul::connectors::mqtt::codec {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

/// A PUBLISH as a broker would send it (test-side encoder, independent of the codec).
std::string publish_frame(int version, const std::string& topic, int qos, std::uint16_t id, const std::string& props,
                          const std::string& payload) {
  std::string body;
  body += static_cast<char>(topic.size() >> 8);
  body += static_cast<char>(topic.size() & 0xFF);
  body += topic;
  if (qos > 0) {
    body += static_cast<char>(id >> 8);
    body += static_cast<char>(id & 0xFF);
  }
  if (version == 5) {
    body += static_cast<char>(props.size());  // short property blocks only
    body += props;
  }
  body += payload;
  std::string out(1, static_cast<char>(0x30 | (qos << 1)));
  std::size_t n = body.size();
  do {
    char b = static_cast<char>(n % 128);
    n /= 128;
    if (n) b = static_cast<char>(b | 0x80);
    out += b;
  } while (n);
  return out + body;
}

TEST(MqttCodec, ConnectV311CarriesFlagsKeepAliveAndCredentials) {
  connect_options o;
  o.client_id = "hub";
  o.clean = false;
  o.keep_alive = 30;
  o.username = "u";
  o.password = "p";
  o.will_topic = "w";
  o.will_payload = "x";
  o.will_qos = 1;
  EXPECT_EQ(encode_connect(o), bytes({0x10, 27, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x80 | 0x40 | 0x08 | 0x04, 0, 30,
                                      0, 3, 'h', 'u', 'b', 0, 1, 'w', 0, 1, 'x', 0, 1, 'u', 0, 1, 'p'}));
}

TEST(MqttCodec, ConnectV5HasSessionExpiryAndReceiveMaximum) {
  connect_options o;
  o.version = 5;
  o.client_id = "c";
  o.clean = true;
  o.keep_alive = 10;
  o.session_expiry = 3600;
  o.receive_maximum = 100;
  EXPECT_EQ(encode_connect(o), bytes({0x10, 22, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 10, 8, 0x11, 0, 0, 0x0E,
                                      0x10, 0x21, 0, 100, 0, 1, 'c'}));
}

TEST(MqttCodec, SubscribeAndAcks) {
  EXPECT_EQ(encode_subscribe(4, 7, {{"a/#", 1}, {"$share/g/b", 2}}),
            bytes({0x82, 21, 0, 7, 0, 3, 'a', '/', '#', 1, 0, 10, '$', 's', 'h', 'a', 'r', 'e', '/', 'g', '/', 'b', 2}));
  EXPECT_EQ(encode_subscribe(5, 1, {{"t", 0}}), bytes({0x82, 7, 0, 1, 0, 0, 1, 't', 0}));
  EXPECT_EQ(encode_ack(packet_type::puback, 0x1234), bytes({0x40, 2, 0x12, 0x34}));
  EXPECT_EQ(encode_ack(packet_type::pubrec, 1), bytes({0x50, 2, 0, 1}));
  EXPECT_EQ(encode_ack(packet_type::pubcomp, 1), bytes({0x70, 2, 0, 1}));
  EXPECT_EQ(encode_pingreq(), bytes({0xC0, 0}));
  EXPECT_EQ(encode_disconnect(), bytes({0xE0, 0}));
}

TEST(MqttCodec, DecodesPublishV5WithPropertiesFedByteByByte) {
  std::string props = bytes({0x03, 0, 10}) + "text/plain" + bytes({0x26, 0, 1, 'k', 0, 2, 'v', '1'}) +
                      bytes({0x26, 0, 1, 'k', 0, 2, 'v', '2'}) + bytes({0x02, 0, 0, 0, 5});
  std::string frame = publish_frame(5, "pemkab/3204/air", 1, 42, props, "{\"a\":1}");
  frame += bytes({0xD0, 0});  // and a PINGRESP behind it
  decoder d(5);
  std::optional<packet> got;
  std::size_t fed = 0;
  while (!got && fed < frame.size()) {
    d.feed(frame.substr(fed++, 1));
    auto n = d.next();
    ASSERT_TRUE(n.has_value()) << n.error().message;
    got = std::move(*n);
  }
  ASSERT_TRUE(got);
  auto* p = std::get_if<publish>(&*got);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->topic, "pemkab/3204/air");
  EXPECT_EQ(p->qos, 1);
  EXPECT_EQ(p->packet_id, 42);
  EXPECT_EQ(p->payload, "{\"a\":1}");
  EXPECT_EQ(p->content_type, "text/plain");
  ASSERT_EQ(p->user_properties.size(), 2u);
  EXPECT_EQ(p->user_properties[1].second, "v2");
  d.feed(frame.substr(fed));
  auto ping = d.next();
  ASSERT_TRUE(ping && *ping);
  EXPECT_TRUE(std::holds_alternative<pingresp>(**ping));
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(MqttCodec, DecodesConnackSubackPubrelAndLargeRemainingLength) {
  auto c = decode(0x20, bytes({1, 0}), 4);
  ASSERT_TRUE(c);
  EXPECT_TRUE(std::get<connack>(*c).session_present);
  auto c5 = decode(0x20, bytes({0, 0x87, 6, 0x13, 0, 60, 0x21, 0, 9}), 5);
  ASSERT_TRUE(c5);
  EXPECT_EQ(std::get<connack>(*c5).code, 0x87);
  EXPECT_EQ(std::get<connack>(*c5).server_keep_alive, 60);
  EXPECT_EQ(std::get<connack>(*c5).receive_maximum, 9);
  auto s = decode(0x90, bytes({0, 3, 0, 1, 2, 0x80}), 5);
  ASSERT_TRUE(s);
  EXPECT_EQ(std::get<suback>(*s).codes, (std::vector<std::uint8_t>{1, 2, 0x80}));
  auto r = decode(0x62, bytes({0, 9}), 4);
  ASSERT_TRUE(r);
  EXPECT_EQ(std::get<ack>(*r).type, packet_type::pubrel);
  EXPECT_EQ(std::get<ack>(*r).packet_id, 9);

  std::string payload(200'000, 'x');  // a 3-byte remaining length
  decoder d(4);
  d.feed(publish_frame(4, "t", 0, 0, "", payload));
  auto big = d.next();
  ASSERT_TRUE(big && *big);
  EXPECT_EQ(std::get<publish>(**big).payload.size(), payload.size());
}

TEST(MqttCodec, RejectsMalformedPackets) {
  EXPECT_FALSE(decode(0x20, bytes({0, 0, 0}), 4));          // CONNACK trailing byte (3.1.1)
  EXPECT_FALSE(decode(0x20, bytes({2, 0}), 4));             // reserved acknowledge flag
  EXPECT_FALSE(decode(0x21, bytes({0, 0}), 4));             // CONNACK flags
  EXPECT_FALSE(decode(0x36, bytes({0, 1, 't', 0, 1}), 4));  // QoS 3
  EXPECT_FALSE(decode(0x38, bytes({0, 1, 't'}), 4));        // QoS 0 with DUP
  EXPECT_FALSE(decode(0x32, bytes({0, 1, 't', 0, 0}), 4));  // packet id 0
  EXPECT_FALSE(decode(0x32, bytes({0, 1, 't', 0}), 4));     // packet id cut
  EXPECT_FALSE(decode(0x30, bytes({0, 5, 't'}), 4));        // topic past the end
  EXPECT_FALSE(decode(0x30, bytes({0, 0}), 4));             // empty topic
  EXPECT_FALSE(decode(0x30, bytes({0, 3, 'a', '/', '+'}), 4));
  EXPECT_FALSE(decode(0x30, bytes({0, 1, 't', 4, 0x26, 0, 1}), 5));       // user property cut
  EXPECT_FALSE(decode(0x30, bytes({0, 1, 't', 2, 0x00, 0}), 5));          // unknown property 0
  EXPECT_FALSE(decode(0x30, bytes({0, 1, 't', 0x80, 0x80, 0x80, 0x80, 1}), 5));  // property varint too long
  EXPECT_FALSE(decode(0x30, bytes({0, 1, 't', 3, 0x23, 0, 1}), 5));       // topic alias we did not allow
  EXPECT_FALSE(decode(0x90, bytes({0, 1}), 4));                           // SUBACK without codes
  EXPECT_FALSE(decode(0x90, bytes({0, 1, 3}), 4));                        // SUBACK code 3
  EXPECT_FALSE(decode(0x60, bytes({0, 1}), 4));                           // PUBREL needs flags 2
  EXPECT_FALSE(decode(0xD0, bytes({0}), 4));                              // PINGRESP with a body
  EXPECT_FALSE(decode(0xE0, bytes({}), 4));                               // DISCONNECT is v5 only
  EXPECT_FALSE(decode(0x10, bytes({}), 4));                               // CONNECT is client-only
  EXPECT_FALSE(decode(0xC0, bytes({}), 4));                               // PINGREQ is client-only
  EXPECT_FALSE(decode(0x00, bytes({}), 4));                               // reserved type

  decoder five(4);
  five.feed(bytes({0x30, 0x80, 0x80, 0x80, 0x80, 0x01}));
  EXPECT_FALSE(five.next());
  decoder small(4, 100);
  small.feed(bytes({0x30, 0xE8, 0x07}));  // 1000 bytes announced, limit 100
  EXPECT_FALSE(small.next());
  decoder partial(4);
  partial.feed(bytes({0x30, 0x80}));
  auto p = partial.next();
  ASSERT_TRUE(p);
  EXPECT_FALSE(*p);  // incomplete, not an error
}

// Random and mutated frames never crash or read out of bounds (the fuzz
// target in tests/fuzz/mqtt does this at length; this is the quick version).
TEST(MqttCodec, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  const std::string seed = publish_frame(5, "a/b", 1, 3, bytes({0x26, 0, 1, 'k', 0, 1, 'v'}), "payload");
  for (int round = 0; round < 20000; ++round) {
    std::string s = seed;
    for (int m = 0; m < 3; ++m) s[rng() % s.size()] = static_cast<char>(rng());
    if (round % 2) s.resize(rng() % s.size());
    decoder d(round % 3 ? 5 : 4);
    d.feed(s);
    for (int i = 0; i < 8; ++i) {
      auto n = d.next();
      if (!n || !*n) break;
    }
  }
}

}  // namespace
}  // namespace simpul::connectors::mqtt::codec
