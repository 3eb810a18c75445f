#include <utility>

#include <cstdlib>
#include <fstream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <gtest/gtest.h>
#include <mqtt/client.h>

#include "connectors/registry.h"
#include "tests/connectors/mqtt/mosquitto.h"
#include "tests/connectors/support/collecting_ingress.h"
#include "tests/connectors/support/config_builder.h"
#include "tests/connectors/support/io_runner.h"
#include "tests/connectors/support/temp_dir.h"

namespace simpul::connectors {
namespace {

using test::map;
using test::scalar;
using test::sequence;
using test::share;

/// A throwaway CA and a server certificate for 127.0.0.1, made with the
/// openssl CLI as an operator would.
bool make_certs(const std::filesystem::path& d) {
  std::ofstream(d / "san.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  std::string q = "cd '" + d.string() + "' && ";
  std::string cmd =
      q + "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 "
          "-subj /CN=simpul-test-ca >/dev/null 2>&1 && "
          "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
          "-subj /CN=127.0.0.1 >/dev/null 2>&1 && "
          "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
          "-out server.crt -days 1 -extfile san.ext >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

TEST(MqttTls, SubscribesOverTlsWithGeneratedCa) {
  test::temp_dir dir;
  ASSERT_TRUE(make_certs(dir.path()));
  auto p = dir.path();
  test::mosquitto broker(p, "cafile " + (p / "ca.crt").string() + "\ncertfile " + (p / "server.crt").string() +
                                "\nkeyfile " + (p / "server.key").string() + "\n");
  ASSERT_TRUE(broker.start());

  test::io_runner runner;
  auto& io = runner.io();
  registry reg;
  register_all(reg);
  context ctx{io, "secure", p, nullptr, nullptr};
  auto conn = map({{"url", scalar(broker.url("ssl"))},
                   {"client_id", scalar("hub-tls")},
                   {"ca_file", scalar((p / "ca.crt").string())},
                   {"reconnect_min", scalar("100ms")}});
  auto in = reg.find("mqtt")->make_input(share(conn), ctx);
  ASSERT_TRUE(in.has_value());
  auto sink = std::make_shared<test::collecting_ingress>();
  ASSERT_TRUE((*in)->bind({"r", share(map({{"topics", sequence({scalar("secure/#")})}})), sink}).has_value());
  ASSERT_TRUE((*in)->start().has_value());

  ::mqtt::client device(broker.url("ssl"), "device");
  auto ssl = ::mqtt::ssl_options_builder().trust_store((p / "ca.crt").string()).finalize();
  auto opts = ::mqtt::connect_options_builder().ssl(ssl).finalize();
  device.connect(opts);
  for (int i = 0; i < 200 && sink->taken().empty(); ++i) {
    device.publish(::mqtt::make_message("secure/x", "hello", 1, false));
    sink->wait_count(1, std::chrono::milliseconds(50));
  }
  device.disconnect();
  ASSERT_FALSE(sink->taken().empty());
  EXPECT_EQ(sink->taken().front()->body, "hello");
  EXPECT_TRUE((*in)->ready());
  (*in)->stop();
}

TEST(MqttTls, UntrustedBrokerIsNotReady) {
  test::temp_dir dir;
  ASSERT_TRUE(make_certs(dir.path()));
  auto p = dir.path();
  test::mosquitto broker(p, "cafile " + (p / "ca.crt").string() + "\ncertfile " + (p / "server.crt").string() +
                                "\nkeyfile " + (p / "server.key").string() + "\n");
  ASSERT_TRUE(broker.start());
  test::io_runner runner;
  auto& io = runner.io();
  registry reg;
  register_all(reg);
  context ctx{io, "secure", p, nullptr, nullptr};
  // No ca_file: the system store does not know the test CA.
  auto conn = map({{"url", scalar(broker.url("ssl"))}, {"client_id", scalar("hub-tls2")},
                   {"reconnect_min", scalar("100ms")}});
  auto in = reg.find("mqtt")->make_input(share(conn), ctx);
  ASSERT_TRUE(in.has_value());
  auto sink = std::make_shared<test::collecting_ingress>();
  ASSERT_TRUE((*in)->bind({"r", share(map({{"topics", sequence({scalar("secure/#")})}})), sink}).has_value());
  ASSERT_TRUE((*in)->start().has_value());
  // Give it several connection attempts; none may succeed.
  EXPECT_FALSE(sink->wait_count(1, std::chrono::seconds(1)));
  EXPECT_FALSE((*in)->ready());
  (*in)->stop();
}

}  // namespace
}  // namespace simpul::connectors
