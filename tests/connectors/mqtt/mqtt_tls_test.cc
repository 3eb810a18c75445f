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

/// A client certificate whose key is encrypted with `password`.
bool make_client_cert(const std::filesystem::path& d, const std::string& password) {
  std::string q = "cd '" + d.string() + "' && ";
  std::string cmd =
      q + "openssl genrsa -aes256 -passout pass:" + password + " -out client.key 2048 >/dev/null 2>&1 && "
          "openssl req -new -key client.key -passin pass:" + password +
          " -out client.csr -subj /CN=hub-client >/dev/null 2>&1 && "
          "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
          "-out client.crt -days 1 >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

bool wait_ready(const component& c) {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!c.ready()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling a condition
  }
  return true;
}

TEST(MqttTls, EncryptedClientKeyOpensWithKeyPassword) {
  test::temp_dir dir;
  auto p = dir.path();
  ASSERT_TRUE(make_certs(p));
  ASSERT_TRUE(make_client_cert(p, "rahasia-123"));
  // mutual TLS: the broker refuses clients without a certificate from the CA
  test::mosquitto broker(p, "cafile " + (p / "ca.crt").string() + "\ncertfile " + (p / "server.crt").string() +
                                "\nkeyfile " + (p / "server.key").string() + "\nrequire_certificate true\n");
  ASSERT_TRUE(broker.start());
  test::io_runner runner;
  registry reg;
  register_all(reg);
  context ctx{runner.io(), "secure", p, nullptr, nullptr};
  auto conn = [&](const std::string& id, const std::string& password) {
    return share(map({{"url", scalar(broker.url("ssl"))},
                      {"client_id", scalar(id)},
                      {"ca_file", scalar((p / "ca.crt").string())},
                      {"cert_file", scalar((p / "client.crt").string())},
                      {"key_file", scalar((p / "client.key").string())},
                      {"key_password", scalar(password)},
                      {"reconnect_min", scalar("100ms")}}));
  };
  auto in = reg.find("mqtt")->make_input(conn("hub-in", "rahasia-123"), ctx);
  ASSERT_TRUE(in.has_value());
  auto sink = std::make_shared<test::collecting_ingress>();
  ASSERT_TRUE((*in)->bind({"r", share(map({{"topics", sequence({scalar("secure/#")})}})), sink}).has_value());
  ASSERT_TRUE((*in)->start().has_value());
  EXPECT_TRUE(wait_ready(**in));

  auto out = reg.find("mqtt")->make_output(conn("hub-out", "rahasia-123"), ctx);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE((*out)->start().has_value());
  EXPECT_TRUE(wait_ready(**out));
  (*out)->stop();

  // a wrong password cannot open the key: the input refuses to start, clearly
  auto bad = reg.find("mqtt")->make_input(conn("hub-bad", "salah"), ctx);
  ASSERT_TRUE(bad.has_value());
  ASSERT_TRUE((*bad)->bind({"r2", share(map({{"topics", sequence({scalar("x/#")})}})), sink}).has_value());
  auto started = (*bad)->start();
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, "mqtt.tls");
  EXPECT_NE(started.error().message.find("key"), std::string::npos) << started.error().message;
  (*in)->stop();
}

}  // namespace
}  // namespace simpul::connectors
