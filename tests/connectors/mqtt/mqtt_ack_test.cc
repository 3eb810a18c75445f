#include <utility>

#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>
#include <mqtt/client.h>

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

/// Runs an input with a persistent session; `sink` decides what happens to
/// each message. Returns once `until` holds or the deadline passed.
bool run_input(const std::string& url, const std::filesystem::path& dir, std::shared_ptr<ingress> sink,
               const std::function<bool()>& until,
               std::chrono::seconds deadline = std::chrono::seconds(10)) {
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread t([&io] { io.run(); });
  registry reg;
  register_all(reg);
  context ctx{io, "sensors", dir, nullptr, nullptr};
  auto conn = map({{"url", scalar(url)}, {"client_id", scalar("hub-ack")}, {"clean_session", scalar("false")},
                   {"reconnect_min", scalar("100ms")}});
  auto in = reg.find("mqtt")->make_input(share(conn), ctx);
  bool ok = in && (*in)->bind({"r", share(map({{"topics", sequence({scalar("ack/#")})}})), sink}) &&
            (*in)->start();
  auto end = std::chrono::steady_clock::now() + deadline;
  while (ok && !until() && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
  }
  bool reached = ok && until();
  if (in) (*in)->stop();
  work.reset();
  io.stop();
  t.join();
  return reached;
}

/// The hub side dies the moment a message reaches it, before answering.
class dying_ingress : public ingress {
 public:
  void submit(message_ptr msg, ingest_handler done) override {
    if (msg->body == "precious") _exit(0);
    done({});  // leftover probes
  }
};

// KNOWN GAP, pinned down so the README's claim stays true: Paho C 1.3.12
// sends PUBACK when it reads the PUBLISH, before any callback runs, and has
// no manual-ack mode. A hub that dies between receipt and hand-off therefore
// loses that message: the broker does not redeliver it to the next instance.
// When the input gets a client that acks after `ingest_result` (see
// connectors/mqtt/README.md), flip the last expectation to EXPECT_TRUE.
TEST(MqttAck, KnownGapPahoAcksBeforeTheHubTookTheMessage) {
  test::temp_dir dir;
  test::mosquitto broker(dir.path());
  ASSERT_TRUE(broker.start());

  // Establish the persistent session and subscription first.
  auto first = std::make_shared<test::collecting_ingress>();
  {
    ::mqtt::client probe(broker.url(), "probe");
    probe.connect();
    ASSERT_TRUE(run_input(broker.url(), dir.path(), first, [&] {
      if (!first->taken().empty()) return true;
      probe.publish(::mqtt::make_message("ack/probe", "probe", 1, false));
      return false;
    }));
    probe.disconnect();
  }

  pid_t child = fork();
  if (child == 0) {
    auto sink = std::make_shared<dying_ingress>();
    run_input(broker.url(), dir.path(), sink, [] { return false; });
    _exit(3);  // never got the message
  }
  {
    ::mqtt::client device(broker.url(), "device");
    device.connect();
    device.publish(::mqtt::make_message("ack/x", "precious", 1, false));
    device.disconnect();
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << "the child never received the message";

  auto second = std::make_shared<test::collecting_ingress>();
  auto precious = [&] {
    for (const auto& m : second->taken()) {
      if (m->body == "precious") return true;
    }
    return false;
  };
  bool redelivered = run_input(broker.url(), dir.path(), second, precious,
                               std::chrono::seconds(3));
  EXPECT_FALSE(redelivered) << "the broker redelivered: manual ack works now, update README and this test";
}

}  // namespace
}  // namespace simpul::connectors
