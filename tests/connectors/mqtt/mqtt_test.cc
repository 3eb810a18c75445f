#include <utility>

#include <netinet/tcp.h>

#include <algorithm>
#include <future>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>
#include <mqtt/client.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "connectors/registry.h"
#include "tests/connectors/mqtt/mosquitto.h"
#include "tests/connectors/support/collecting_ingress.h"
#include "tests/connectors/support/config_builder.h"
#include "tests/connectors/support/temp_dir.h"

namespace simpul::connectors {
namespace {

using test::map;
using test::scalar;
using test::sequence;
using test::share;
using status = ingest_result::status;

/// A plain Paho client playing a device or a national platform.
class peer {
 public:
  peer(const std::string& url, const std::string& id, int version = MQTTVERSION_5)
      : client_(url, id, ::mqtt::create_options(version)) {
    auto opts = ::mqtt::connect_options_builder().mqtt_version(version).clean_start(true).finalize();
    if (version != MQTTVERSION_5) opts.set_clean_session(true);
    client_.connect(opts);
  }
  ~peer() {
    try {
      client_.disconnect();
    } catch (...) {
    }
  }
  void publish(const std::string& topic, const std::string& body, int qos = 1) {
    client_.publish(::mqtt::make_message(topic, body, qos, false));
  }
  void subscribe(const std::string& filter) {
    client_.start_consuming();
    client_.subscribe(filter, 1);
  }
  ::mqtt::const_message_ptr next(std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    ::mqtt::const_message_ptr m;
    client_.try_consume_message_for(&m, deadline);
    return m;
  }

 private:
  ::mqtt::client client_;
};

class MqttConnector : public ::testing::Test {
 public:
  int sockets_to_broker_with_nodelay() const {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) {
      int fd = std::stoi(e.path().filename().string());
      sockaddr_in peer{};
      socklen_t len = sizeof peer;
      if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0 || peer.sin_family != AF_INET) continue;
      if (ntohs(peer.sin_port) != broker_.port()) continue;
      int on = 0;
      socklen_t olen = sizeof on;
      if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &olen) == 0 && on) ++n;
    }
    return n;
  }

 protected:
  void SetUp() override {
    register_all(registry_);
    ASSERT_TRUE(broker_.start());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  void TearDown() override {
    for (auto& in : inputs_) in->stop();
    for (auto& out : outputs_) out->stop();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }

  config::node settings(std::string client_id, bool clean = false, std::string version = "5") {
    return map({{"url", scalar(broker_.url())},
                {"client_id", scalar(std::move(client_id))},
                {"version", scalar(std::move(version))},
                {"clean_session", scalar(clean ? "true" : "false")},
                {"reconnect_min", scalar("100ms")},
                {"reconnect_max", scalar("500ms")}});
  }

  input* add_input(config::node conn, config::node route_opts, std::shared_ptr<ingress> sink,
                   const std::string& name = "sensors") {
    context ctx{io_, name, dir_.path(), metrics_, nullptr};
    auto in = registry_.find("mqtt")->make_input(share(std::move(conn)), ctx);
    EXPECT_TRUE(in.has_value());
    if (!in) return nullptr;
    EXPECT_TRUE((*in)->bind({"air", share(std::move(route_opts)), std::move(sink)}).has_value());
    EXPECT_TRUE((*in)->start().has_value());
    inputs_.push_back(std::move(*in));
    return inputs_.back().get();
  }

  output* add_output(config::node conn) {
    context ctx{io_, "national", dir_.path(), metrics_, nullptr};
    auto out = registry_.find("mqtt")->make_output(share(std::move(conn)), ctx);
    EXPECT_TRUE(out.has_value());
    if (!out) return nullptr;
    EXPECT_TRUE((*out)->start().has_value());
    outputs_.push_back(std::move(*out));
    return outputs_.back().get();
  }

  static bool wait_ready(const component& c, std::chrono::seconds deadline = std::chrono::seconds(10)) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (!c.ready()) {
      if (std::chrono::steady_clock::now() > end) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
    }
    return true;
  }

  /// The subscription is made on the strand after connecting; a retained
  /// probe would be noise, so wait until a throwaway message comes through.
  void wait_subscribed(peer& p, test::collecting_ingress& sink, const std::string& topic) {
    std::size_t before = sink.taken().size();
    for (int i = 0; i < 100 && sink.taken().size() == before; ++i) {
      p.publish(topic, "{\"probe\":true}");
      sink.wait_count(before + 1, std::chrono::milliseconds(100));
    }
    ASSERT_GT(sink.taken().size(), before);
  }

  test::temp_dir dir_;
  test::mosquitto broker_{dir_.path()};
  registry registry_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::vector<std::thread> threads_;
  std::shared_ptr<prometheus::Registry> metrics_ = std::make_shared<prometheus::Registry>();
  std::vector<input_ptr> inputs_;
  std::vector<output_ptr> outputs_;
};

TEST_F(MqttConnector, SpecDescribesFieldsAndFactoryValidates) {
  const auto* f = registry_.find("mqtt");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->spec().input);
  EXPECT_TRUE(f->spec().output);
  bool password_secret = false;
  for (const auto& fs : f->spec().fields) password_secret |= fs.name == "password" && fs.secret;
  EXPECT_TRUE(password_secret);

  auto bad = map({{"url", scalar("http://x")}});
  EXPECT_FALSE(f->check(bad).empty());
  auto bad_version = map({{"url", scalar("tcp://127.0.0.1:1")}, {"version", scalar("4")}});
  EXPECT_FALSE(f->check(bad_version).empty());
  EXPECT_TRUE(f->check(settings("x")).empty());

  context ctx{io_, "m", dir_.path(), nullptr, nullptr};
  auto in = f->make_input(share(settings("x")), ctx);
  ASSERT_TRUE(in.has_value());
  auto sink = std::make_shared<test::collecting_ingress>();
  auto no_topics = (*in)->bind({"r", share(map({})), sink});
  EXPECT_FALSE(no_topics.has_value());
  auto bad_qos = (*in)->bind(
      {"r", share(map({{"topics", sequence({map({{"filter", scalar("a/#")}, {"qos", scalar("3")}})})}})),
       sink});
  EXPECT_FALSE(bad_qos.has_value());
}

TEST_F(MqttConnector, QosOneInWithTopicSegmentsThenTemplatedPublishOut) {
  auto sink = std::make_shared<test::collecting_ingress>();
  auto* in = add_input(settings("hub-in"), map({{"topics", sequence({scalar("pemkab/+/sensor/#")})}}), sink);
  auto* out = add_output(settings("hub"));
  ASSERT_TRUE(wait_ready(*in));
  ASSERT_TRUE(wait_ready(*out));
  // Both hub clients talk to the broker without Nagle delay.
  EXPECT_EQ(sockets_to_broker_with_nodelay(), 2);

  peer device(broker_.url(), "device");
  wait_subscribed(device, *sink, "pemkab/0000/sensor/probe");
  std::size_t before = sink->taken().size();
  ::mqtt::properties props;
  props.add(::mqtt::property(::mqtt::property::USER_PROPERTY, "x-unit", "mg/L"));
  props.add(::mqtt::property(::mqtt::property::USER_PROPERTY, "traceparent",
                             "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  auto m = ::mqtt::make_message("pemkab/3204/sensor/air", "{\"ph\":7.1}", 1, false);
  m->set_properties(props);
  {
    ::mqtt::client c(broker_.url(), "device2", ::mqtt::create_options(MQTTVERSION_5));
    c.connect(::mqtt::connect_options_builder().mqtt_version(MQTTVERSION_5).finalize());
    c.publish(m);
    c.disconnect();
  }
  ASSERT_TRUE(sink->wait_count(before + 1));
  auto got = sink->taken().back();
  EXPECT_EQ(got->body, "{\"ph\":7.1}");
  EXPECT_EQ(got->attribute("topic"), "pemkab/3204/sensor/air");
  EXPECT_EQ(got->attribute("topic_0"), "pemkab");
  EXPECT_EQ(got->attribute("topic_1"), "3204");
  EXPECT_EQ(got->attribute("topic_3"), "air");
  EXPECT_EQ(got->headers.get("x-unit"), "mg/L");
  EXPECT_EQ(got->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(got->content_type, "application/json");
  EXPECT_EQ(got->source, "sensors");

  peer national(broker_.url(), "national");
  national.subscribe("national/#");
  auto route_opts = share(map({{"topic", scalar("national/satudata/{{attr.topic_1}}/{{route}}")}}));
  std::promise<delivery_result> sent;
  out->send(got, route_opts, [&sent](delivery_result r) { sent.set_value(std::move(r)); });
  auto fut = sent.get_future();
  ASSERT_EQ(fut.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto res = fut.get();
  EXPECT_EQ(res.state, delivery_result::outcome::delivered) << res.detail;

  auto pub = national.next();
  ASSERT_TRUE(pub);
  EXPECT_EQ(pub->get_topic(), "national/satudata/3204/air");
  EXPECT_EQ(pub->get_payload_str(), "{\"ph\":7.1}");
  std::map<std::string, std::string> user;
  const auto& c = pub->get_properties().c_struct();
  for (int i = 0; i < c.count; ++i) {
    if (c.array[i].identifier != MQTTPROPERTY_CODE_USER_PROPERTY) continue;
    user[std::string(c.array[i].value.data.data, c.array[i].value.data.len)] =
        std::string(c.array[i].value.value.data, c.array[i].value.value.len);
  }
  EXPECT_EQ(user["idempotency-key"], got->id);
  EXPECT_EQ(user["x-unit"], "mg/L");
  EXPECT_TRUE(user["traceparent"].starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));

  std::string text = prometheus::TextSerializer().Serialize(metrics_->Collect());
  EXPECT_NE(text.find("simpul_mqtt_connected{connector=\"sensors\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("simpul_mqtt_messages_total{connector=\"national\",direction=\"out\"} 1"),
            std::string::npos);
  // The input timed its answers and PUBACKs (the probe and this message at least).
  for (const char* stage : {"answered", "puback"}) {
    auto at = text.find(std::string("simpul_mqtt_ack_seconds_count{connector=\"sensors\",stage=\"") + stage + "\"} ");
    ASSERT_NE(at, std::string::npos) << stage;
    EXPECT_GE(std::stoi(text.substr(text.find("} ", at) + 2)), 2) << stage;
  }
}

TEST_F(MqttConnector, UnavailableOffersTheSameMessageAgainUntilTaken) {
  auto sink = std::make_shared<test::collecting_ingress>();
  std::atomic<int> refusals{0};
  sink->decide = [&refusals](const message& m) {
    if (m.body == "late" && refusals < 3) {
      ++refusals;
      return status::unavailable;
    }
    return status::accepted;
  };
  auto* in = add_input(settings("hub-in"), map({{"topics", sequence({scalar("t/#")})}}), sink);
  ASSERT_TRUE(wait_ready(*in));
  peer device(broker_.url(), "device");
  wait_subscribed(device, *sink, "t/probe");
  device.publish("t/x", "late");
  device.publish("t/x", "next");
  auto has = [](const auto& v, const char* body) {
    return std::any_of(v.begin(), v.end(), [body](const auto& m) { return m->body == body; });
  };
  ASSERT_TRUE(sink->wait_for([&](const auto& v) { return has(v, "late") && has(v, "next"); }));
  std::vector<std::string> offered_ids;
  for (const auto& m : sink->offered()) {
    if (m->body == "late") offered_ids.push_back(m->id);
  }
  ASSERT_EQ(offered_ids.size(), 4u);  // three refusals, then taken
  EXPECT_EQ(std::set<std::string>(offered_ids.begin(), offered_ids.end()).size(), 1u);
  // Offers are pipelined: "next" did not wait for "late" (its PUBACK did:
  // acks go out in receive order, see mqtt_subscriber.h).
  std::size_t next_offers = 0;
  for (const auto& m : sink->offered()) next_offers += m->body == "next";
  EXPECT_EQ(next_offers, 1u);
}

TEST_F(MqttConnector, HubFallingBehindStopsReadingAtMaxPendingWithoutLoss) {
  auto sink = std::make_shared<test::collecting_ingress>();
  std::atomic<bool> hold{false};
  sink->decide = [&hold](const message&) { return hold ? status::unavailable : status::accepted; };
  auto conn = settings("hub-in");
  conn.set("max_pending", scalar("3"));
  auto* in = add_input(std::move(conn), map({{"topics", sequence({scalar("bp/#")})}}), sink);
  ASSERT_TRUE(wait_ready(*in));
  peer device(broker_.url(), "device");
  wait_subscribed(device, *sink, "bp/probe");
  hold = true;
  for (int i = 0; i < 20; ++i) device.publish("bp/x", "m" + std::to_string(i));
  auto distinct_offered = [&sink] {
    std::set<std::string> bodies;
    for (const auto& m : sink->offered()) {
      if (m->body.starts_with("m")) bodies.insert(m->body);
    }
    return bodies.size();
  };
  // The window fills (three unacknowledged messages with the hub)...
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (distinct_offered() < 3 && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
  }
  EXPECT_EQ(distinct_offered(), 3u);
  // ...and no fourth is read while the hub refuses (several retry rounds).
  std::size_t offers_before = sink->offered().size();
  end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (sink->offered().size() < offers_before + 6 && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
  }
  EXPECT_EQ(distinct_offered(), 3u);
  EXPECT_TRUE(in->ready());  // back-pressure through TCP, the connection stays
  hold = false;
  // Once the hub takes them, the rest follow: every message exactly once.
  ASSERT_TRUE(sink->wait_for([](const auto& v) {
    std::size_t n = 0;
    for (const auto& m : v) n += m->body.starts_with("m");
    return n >= 20;
  }));
  std::multiset<std::string> bodies;
  for (const auto& m : sink->taken()) {
    if (m->body.starts_with("m")) bodies.insert(m->body);
  }
  ASSERT_EQ(bodies.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(bodies.count("m" + std::to_string(i)), 1u);
}

TEST_F(MqttConnector, BrokerRestartLosesNoQosOneMessage) {
  auto sink = std::make_shared<test::collecting_ingress>();
  auto* in = add_input(settings("hub-in"), map({{"topics", sequence({scalar("s/#")})}}), sink);
  ASSERT_TRUE(wait_ready(*in));
  {
    peer device(broker_.url(), "device");
    wait_subscribed(device, *sink, "s/probe");
    for (int i = 0; i < 20; ++i) device.publish("s/a", "a" + std::to_string(i));
  }
  broker_.stop();
  ASSERT_TRUE(broker_.start());
  {
    // Published while the hub may still be reconnecting: the persistent
    // session queues them at the broker.
    peer device(broker_.url(), "device");
    for (int i = 0; i < 20; ++i) device.publish("s/b", "b" + std::to_string(i));
  }
  ASSERT_TRUE(sink->wait_for([](const auto& v) {
    std::set<std::string> bodies;
    for (const auto& m : v) bodies.insert(m->body);
    for (int i = 0; i < 20; ++i) {
      if (!bodies.count("a" + std::to_string(i)) || !bodies.count("b" + std::to_string(i))) return false;
    }
    return true;
  }, std::chrono::seconds(20)));
  std::string text = prometheus::TextSerializer().Serialize(metrics_->Collect());
  EXPECT_EQ(text.find("simpul_mqtt_reconnects_total{connector=\"sensors\"} 0"), std::string::npos);
}

TEST_F(MqttConnector, SharedSubscriptionSplitsBetweenTwoInputs) {
  auto a = std::make_shared<test::collecting_ingress>();
  auto b = std::make_shared<test::collecting_ingress>();
  auto topics = [] { return map({{"topics", sequence({scalar("$share/hubs/pemkab/#")})}}); };
  auto* in_a = add_input(settings("hub-a"), topics(), a, "a");
  auto* in_b = add_input(settings("hub-b"), topics(), b, "b");
  ASSERT_TRUE(wait_ready(*in_a));
  ASSERT_TRUE(wait_ready(*in_b));
  peer device(broker_.url(), "device");
  // Both subscriptions are in place once each hub got a probe.
  for (int i = 0; i < 200 && (a->taken().empty() || b->taken().empty()); ++i) {
    device.publish("pemkab/probe", "probe");
    a->wait_count(1, std::chrono::milliseconds(20));
  }
  ASSERT_FALSE(a->taken().empty());
  ASSERT_FALSE(b->taken().empty());
  auto count = [](test::collecting_ingress& s) {
    int n = 0;
    for (const auto& m : s.taken()) n += m->body.starts_with("m");
    return n;
  };
  for (int i = 0; i < 40; ++i) device.publish("pemkab/3204", "m" + std::to_string(i));
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (count(*a) + count(*b) < 40 && std::chrono::steady_clock::now() < end) {
    a->wait_count(a->taken().size() + 1, std::chrono::milliseconds(50));
  }
  EXPECT_EQ(count(*a) + count(*b), 40);
  EXPECT_GT(count(*a), 0);
  EXPECT_GT(count(*b), 0);
}

}  // namespace
}  // namespace simpul::connectors
