#include <utility>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "connectors/registry.h"
#include "tests/connectors/mqtt/mosquitto.h"
#include "tests/connectors/support/config_builder.h"
#include "tests/connectors/support/temp_dir.h"

namespace simpul::connectors {
namespace {

using test::map;
using test::scalar;
using test::share;

/// The output's in-flight window against a broker with a small Receive
/// Maximum (mosquitto announces `max_inflight_messages` to MQTT 5 clients).
/// Paho C 1.3.12, left to queue over-quota publishes itself, wakes its send
/// thread for them only on a 1 s timeout, so a burst stalled for seconds.
class MqttOutputWindow : public ::testing::Test {
 protected:
  void SetUp() override {
    register_all(registry_);
    ASSERT_TRUE(broker_.start());
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  void TearDown() override {
    if (out_) out_->stop();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }

  output* make_output(const std::string& version) {
    auto conn = map({{"url", scalar(broker_.url())},
                     {"client_id", scalar("hub-" + version)},
                     {"version", scalar(version)},
                     {"clean_session", scalar("true")}});
    context ctx{io_, "national", dir_.path(), metrics_, nullptr};
    auto out = registry_.find("mqtt")->make_output(share(std::move(conn)), ctx);
    EXPECT_TRUE(out.has_value());
    if (!out) return nullptr;
    EXPECT_TRUE((*out)->start().has_value());
    out_ = std::move(*out);
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!out_->ready() && std::chrono::steady_clock::now() < end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
    }
    EXPECT_TRUE(out_->ready());
    return out_.get();
  }

  /// Sends `n` messages at once; returns how many were delivered before the
  /// deadline and the time from the first send to the last answer.
  std::pair<int, std::chrono::milliseconds> burst(output& out, int n, std::chrono::seconds deadline) {
    std::mutex mu;
    std::condition_variable cv;
    int delivered = 0, answered = 0;
    auto opts = share(map({{"topic", scalar("national/window")}, {"qos", scalar("1")}}));
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
      auto msg = std::make_shared<message>();
      msg->id = "m" + std::to_string(i);
      msg->body = "{\"n\":" + std::to_string(i) + "}";
      out.send(msg, opts, [&](delivery_result r) {
        std::lock_guard lock(mu);
        ++answered;
        if (r.state == delivery_result::outcome::delivered) ++delivered;
        cv.notify_all();
      });
    }
    std::unique_lock lock(mu);
    cv.wait_for(lock, deadline, [&] { return answered == n; });
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    int result = delivered;
    cv.wait_for(lock, std::chrono::seconds(15), [&] { return answered == n; });  // callbacks reference locals
    return {result, took};
  }

  test::temp_dir dir_;
  test::mosquitto broker_{dir_.path(), "max_inflight_messages 2\n"};
  registry registry_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::vector<std::thread> threads_;
  std::shared_ptr<prometheus::Registry> metrics_ = std::make_shared<prometheus::Registry>();
  output_ptr out_;
};

// 600 QoS 1 publishes through a Receive Maximum of 2 on loopback take well
// under a second; each Paho send-thread stall would add a whole second, and
// without the window they came every few dozen messages (minutes in total).
TEST_F(MqttOutputWindow, BurstBeyondBrokerReceiveMaximumDoesNotStallOnMqtt5) {
  auto* out = make_output("5");
  ASSERT_NE(out, nullptr);
  auto [delivered, took] = burst(*out, 600, std::chrono::seconds(5));
  EXPECT_EQ(delivered, 600);
  EXPECT_LT(took, std::chrono::seconds(5)) << took.count() << " ms";
}

// 3.1.1 has no Receive Maximum: the same burst is not held back.
TEST_F(MqttOutputWindow, BurstOnMqtt311IsNotLimited) {
  auto* out = make_output("3.1.1");
  ASSERT_NE(out, nullptr);
  auto [delivered, took] = burst(*out, 600, std::chrono::seconds(5));
  EXPECT_EQ(delivered, 600);
  EXPECT_LT(took, std::chrono::seconds(5)) << took.count() << " ms";
}

}  // namespace
}  // namespace simpul::connectors
