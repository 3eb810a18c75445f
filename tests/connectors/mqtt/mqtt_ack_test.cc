// Acknowledgement timing of the mqtt input (its own Asio client): the
// PUBACK goes out only after the hub answered, proven by killing a receiving
// process; plus QoS 2 end to end and a broker that sends garbage.
#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>
#include <mqtt/client.h>

#include "connectors/registry.h"
#include "tests/connectors/mqtt/child_process.h"
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

void publish_all(const std::string& url, const std::vector<std::string>& bodies, const std::string& topic,
                 int qos = 1) {
  ::mqtt::client c(url, "device", ::mqtt::create_options(MQTTVERSION_5));
  c.connect(::mqtt::connect_options_builder().mqtt_version(MQTTVERSION_5).clean_start(true).finalize());
  for (const auto& b : bodies) c.publish(::mqtt::make_message(topic, b, qos, false));
  c.disconnect();
}

std::string child_path() { return std::string(SIMPUL_BINARY_DIR) + "/tests/connectors/mqtt/mqtt_ack_child"; }

bool has_all(const std::vector<std::string>& lines, const std::vector<std::string>& bodies) {
  std::set<std::string> got(lines.begin(), lines.end());
  for (const auto& b : bodies) {
    if (!got.count("got " + b)) return false;
  }
  return true;
}

class MqttAckKill : public ::testing::TestWithParam<const char*> {};

// A process receives QoS 1 messages, offers them to its hub, and is killed
// before the hub answered. The broker must redeliver every one of them to
// the restarted process: no PUBACK went out on receipt.
TEST_P(MqttAckKill, UnansweredMessagesAreRedeliveredAfterSigkill) {
  test::temp_dir dir;
  test::mosquitto broker(dir.path());
  ASSERT_TRUE(broker.start());
  const std::string version = GetParam();
  const std::string id = "kill-" + std::string(version == "5" ? "v5" : "v311");

  std::vector<std::string> held;
  for (int i = 0; i < 15; ++i) held.push_back("hold-" + std::to_string(i));  // < mosquitto's 20 in flight
  {
    test::child_process first({child_path(), broker.url(), id, version, "k/#", "hold"});
    // Subscribed once a probe comes through (it is accepted, so acknowledged).
    bool subscribed = false;
    for (int i = 0; i < 100 && !subscribed; ++i) {
      publish_all(broker.url(), {"ack-probe"}, "k/probe");
      subscribed = first.read_until([](const auto& l) { return !l.empty(); }, std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(subscribed);
    publish_all(broker.url(), held, "k/x");
    ASSERT_TRUE(first.read_until([&](const auto& l) { return has_all(l, held); }, std::chrono::seconds(10)));
    first.kill_now();  // received and offered, never answered
  }
  test::child_process second({child_path(), broker.url(), id, version, "k/#", "all"});
  ASSERT_TRUE(second.read_until([&](const auto& l) { return has_all(l, held); }, std::chrono::seconds(15)))
      << "lines after restart: " << second.lines().size();
}

INSTANTIATE_TEST_SUITE_P(Versions, MqttAckKill, ::testing::Values("3.1.1", "5"),
                         [](const auto& info) { return std::string(info.param) == "5" ? "V5" : "V311"; });

class MqttAckInProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    register_all(registry_);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  void TearDown() override {
    for (auto& in : inputs_) in->stop();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  input* add_input(const std::string& url, std::shared_ptr<ingress> sink, const std::string& filter) {
    auto conn = map({{"url", scalar(url)},
                     {"client_id", scalar("hub-in")},
                     {"version", scalar("5")},
                     {"reconnect_min", scalar("50ms")},
                     {"reconnect_max", scalar("100ms")}});
    context ctx{io_, "sensors", dir_.path(), nullptr, nullptr};
    auto in = registry_.find("mqtt")->make_input(share(std::move(conn)), ctx);
    EXPECT_TRUE(in.has_value());
    if (!in) return nullptr;
    auto opts = map({{"topics", sequence({map({{"filter", scalar(filter)}, {"qos", scalar("2")}})})}});
    EXPECT_TRUE((*in)->bind({"air", share(std::move(opts)), std::move(sink)}).has_value());
    EXPECT_TRUE((*in)->start().has_value());
    inputs_.push_back(std::move(*in));
    return inputs_.back().get();
  }

  test::temp_dir dir_;
  registry registry_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::vector<std::thread> threads_;
  std::vector<input_ptr> inputs_;
};

TEST_F(MqttAckInProcess, QosTwoIsDeliveredExactlyOnce) {
  test::mosquitto broker(dir_.path());
  ASSERT_TRUE(broker.start());
  auto sink = std::make_shared<test::collecting_ingress>();
  auto* in = add_input(broker.url(), sink, "q2/#");
  bool subscribed = false;
  for (int i = 0; i < 100 && !subscribed; ++i) {
    publish_all(broker.url(), {"probe"}, "q2/probe", 2);
    subscribed = sink->wait_count(1, std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(subscribed);
  ASSERT_TRUE(in->ready());
  std::vector<std::string> bodies;
  for (int i = 0; i < 30; ++i) bodies.push_back("e" + std::to_string(i));
  publish_all(broker.url(), bodies, "q2/x", 2);
  ASSERT_TRUE(sink->wait_for([](const auto& v) {
    int n = 0;
    for (const auto& m : v) n += m->body.starts_with("e");
    return n >= 30;
  }));
  // A marker published after them arrives once the QoS 2 flows completed;
  // none of the 30 came twice.
  publish_all(broker.url(), {"end"}, "q2/x", 2);
  ASSERT_TRUE(sink->wait_for([](const auto& v) { return !v.empty() && v.back()->body == "end"; }));
  std::multiset<std::string> got;
  for (const auto& m : sink->taken()) got.insert(m->body);
  for (const auto& b : bodies) EXPECT_EQ(got.count(b), 1u) << b;
  for (const auto& m : sink->taken()) {
    if (m->body.starts_with("e")) {
      EXPECT_EQ(m->attribute("qos"), "2");
    }
  }
}

// The broker restarts while the hub still holds messages it has not
// answered: they were never acknowledged, so the broker (persistence saved
// on SIGTERM) delivers them again after the restart; none is lost.
TEST_F(MqttAckInProcess, BrokerRestartWithUnansweredMessagesLosesNone) {
  test::mosquitto broker(dir_.path());
  ASSERT_TRUE(broker.start());
  auto sink = std::make_shared<test::collecting_ingress>();
  std::atomic<bool> refuse{false};
  sink->decide = [&refuse](const message&) {
    return refuse ? test::collecting_ingress::status::unavailable : test::collecting_ingress::status::accepted;
  };
  auto* in = add_input(broker.url(), sink, "r/#");
  bool subscribed = false;
  for (int i = 0; i < 100 && !subscribed; ++i) {
    publish_all(broker.url(), {"probe"}, "r/probe");
    subscribed = sink->wait_count(1, std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(subscribed);
  refuse = true;
  std::vector<std::string> before, after;
  for (int i = 0; i < 10; ++i) before.push_back("a" + std::to_string(i));
  for (int i = 0; i < 10; ++i) after.push_back("b" + std::to_string(i));
  publish_all(broker.url(), before, "r/x");
  // All ten are with the hub (offered, refused, waiting for a retry).
  auto offered_all = [&] {
    std::set<std::string> seen;
    for (const auto& m : sink->offered()) seen.insert(m->body);
    return std::all_of(before.begin(), before.end(), [&](const auto& b) { return seen.count(b) > 0; });
  };
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!offered_all() && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
  }
  ASSERT_TRUE(offered_all());
  broker.stop();
  ASSERT_TRUE(broker.start());
  publish_all(broker.url(), after, "r/x");
  refuse = false;
  ASSERT_TRUE(sink->wait_for([&](const auto& v) {
    std::set<std::string> got;
    for (const auto& m : v) got.insert(m->body);
    for (const auto& b : before) {
      if (!got.count(b)) return false;
    }
    for (const auto& b : after) {
      if (!got.count(b)) return false;
    }
    return true;
  }, std::chrono::seconds(20)));
  // The refused ones came back from the broker (DUP set), not from a retry
  // of the copy received before the restart.
  for (const auto& m : sink->taken()) {
    if (m->body.starts_with("a")) {
      EXPECT_EQ(m->attribute("redelivered"), "true") << m->body;
    }
  }
  EXPECT_TRUE(in->ready());
}

/// A listening socket playing a broker that answers CONNECT with a CONNACK
/// and then a malformed frame; counts the connections it got.
class garbage_broker {
 public:
  explicit garbage_broker(std::string garbage) : garbage_(std::move(garbage)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 8);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~garbage_broker() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  int connections() const { return connections_; }

 private:
  void serve() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[512];
      if (read(c, buf, sizeof buf) > 0) {  // the CONNECT
        std::string out("\x20\x03\x00\x00\x00", 5);  // CONNACK, v5, empty properties
        out += garbage_;
        (void)write(c, out.data(), out.size());
        ++connections_;
        while (read(c, buf, sizeof buf) > 0) {
        }  // until the client closes
      }
      close(c);
    }
  }
  std::string garbage_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<int> connections_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(MqttAckInProcess, MalformedFramesCloseTheConnectionAndReconnect) {
  const std::vector<std::string> frames = {
      std::string("\x30\xFF\xFF\xFF\xFF\x7F", 6),                 // remaining length of 5 bytes
      std::string("\x36\x05\x00\x01q\x00\x01", 7),                // QoS 3
      std::string("\x32\x06\x00\x01q\x00\x00\x00", 8),            // packet id 0
      std::string("\x30\x05\x00\x09qq\x00", 7),                   // topic longer than the packet
      std::string("\x30\x05\x00\x01q\x09\x01", 7),                // property length past the end
      std::string("\x30\x06\x00\x01q\x02\x7F\x00", 8),            // unknown property
      std::string("\x30\x04\x00\x01#\x00", 6),                    // wildcard topic
      std::string("\x10\x00", 2),                                 // CONNECT from the broker
  };
  for (const auto& f : frames) {
    garbage_broker fake(f);
    auto sink = std::make_shared<test::collecting_ingress>();
    auto* in = add_input("tcp://127.0.0.1:" + std::to_string(fake.port()), sink, "g/#");
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (fake.connections() < 3 && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
    }
    EXPECT_GE(fake.connections(), 3) << "frame of " << f.size() << " bytes";
    EXPECT_TRUE(sink->taken().empty());
    in->stop();
  }
}

}  // namespace
}  // namespace simpul::connectors
