#include "security/tls_context.h"

#include <gtest/gtest.h>

#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <filesystem>
#include <functional>
#include <optional>

#include "security/peer_identity.h"
#include "test_util.h"

namespace simpul::security {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A CA, a server certificate for localhost/127.0.0.1, a client certificate,
// and a client certificate from a second, untrusted CA — made with the
// openssl CLI once per test suite.
class Tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::temp_dir();
    const std::string d = dir_->path().string();
    test::write_file(d + "/server.ext",
                     "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                     "extendedKeyUsage=serverAuth\n");
    test::write_file(d + "/client.ext",
                     "subjectAltName=DNS:dukcapil.example.go.id,URI:spiffe://simpul/dukcapil,"
                     "email:ops@example.go.id\nbasicConstraints=CA:FALSE\n"
                     "extendedKeyUsage=clientAuth\n");
    std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ";
    auto ca = [&](const std::string& n) {
      return "openssl req -x509" + ec + "-keyout " + d + "/" + n + ".key -out " + d + "/" + n +
             ".crt -subj '/CN=" + n + "' -days 2";
    };
    auto leaf = [&](const std::string& n, const std::string& cn, const std::string& ca_name,
                    const std::string& ext) {
      return "openssl req" + ec + "-keyout " + d + "/" + n + ".key -out " + d + "/" + n +
             ".csr -subj '/CN=" + cn + "' && openssl x509 -req -in " + d + "/" + n + ".csr -CA " +
             d + "/" + ca_name + ".crt -CAkey " + d + "/" + ca_name + ".key -CAcreateserial -out " +
             d + "/" + n + ".crt -days 2 -extfile " + d + "/" + ext;
    };
    for (const std::string& cmd :
         {ca("ca"), ca("other-ca"), leaf("server", "localhost", "ca", "server.ext"),
          leaf("client", "dukcapil-app", "ca", "client.ext"),
          leaf("rogue", "dukcapil-app", "other-ca", "client.ext")}) {
      auto r = test::run(cmd);
      ASSERT_EQ(r.status, 0) << cmd << "\n" << r.output;
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string f(const std::string& n) { return dir_->file(n); }

  static server_tls_options server_opts(client_cert_mode mode = client_cert_mode::require) {
    server_tls_options o;
    o.cert_file = f("server.crt");
    o.key_file = f("server.key");
    o.client_certs = mode;
    o.client_ca_file = f("ca.crt");
    return o;
  }
  static client_tls_options client_opts(const std::string& cert = "client") {
    client_tls_options o;
    o.ca_file = f("ca.crt");
    o.server_name = "localhost";
    if (!cert.empty()) {
      o.cert_file = f(cert + ".crt");
      o.key_file = f(cert + ".key");
    }
    return o;
  }

  struct outcome {
    boost::system::error_code server;
    boost::system::error_code client;  // handshake, then reading the server's first byte
    std::optional<result<peer_identity>> peer;
    bool ok() const { return !server && !client; }
  };

  // A real handshake over 127.0.0.1; the server sends one byte once it has
  // accepted, so a TLS 1.3 client also learns about a late rejection.
  static outcome handshake(asio::ssl::context& server_ctx, asio::ssl::context& client_ctx,
                           const std::function<void(SSL*)>& prepare = {}) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    asio::ssl::stream<tcp::socket> server(io, server_ctx);
    asio::ssl::stream<tcp::socket> client(io, client_ctx);
    if (prepare) prepare(client.native_handle());
    outcome out;
    out.server = asio::error::timed_out;
    out.client = asio::error::timed_out;
    char byte = 'k';
    char got = 0;
    acceptor.async_accept(server.next_layer(), [&](boost::system::error_code ec) {
      if (ec) {
        out.server = ec;
        return;
      }
      server.async_handshake(asio::ssl::stream_base::server, [&](boost::system::error_code ec) {
        out.server = ec;
        if (ec) {
          server.next_layer().close();
          return;
        }
        out.peer = verified_peer_identity(server.native_handle());
        asio::async_write(server, asio::buffer(&byte, 1), [](auto, auto) {});
      });
    });
    client.next_layer().async_connect(acceptor.local_endpoint(), [&](boost::system::error_code ec) {
      if (ec) {
        out.client = ec;
        return;
      }
      client.async_handshake(asio::ssl::stream_base::client, [&](boost::system::error_code ec) {
        if (ec) {
          out.client = ec;
          boost::system::error_code ignored;
          server.next_layer().cancel(ignored);
          return;
        }
        asio::async_read(client, asio::buffer(&got, 1),
                         [&](boost::system::error_code ec, std::size_t) { out.client = ec; });
      });
    });
    io.run_for(std::chrono::seconds(20));
    return out;
  }

  static test::temp_dir* dir_;
};
test::temp_dir* Tls::dir_ = nullptr;

TEST_F(Tls, MutualTlsWithAGoodClientCertificate) {
  auto server = tls_context::make_server(server_opts());
  ASSERT_TRUE(server) << server.error().message;
  auto client = tls_context::make_client(client_opts());
  ASSERT_TRUE(client) << client.error().message;
  auto r = handshake(*server->current(), *client->current(),
                     [&](SSL* ssl) { ASSERT_TRUE(client->prepare_client_connection(ssl)); });
  ASSERT_TRUE(r.ok()) << r.server.message() << " / " << r.client.message();
  ASSERT_TRUE(r.peer && *r.peer) << (r.peer ? r.peer->error().message : "no peer");
  const peer_identity& id = **r.peer;
  EXPECT_EQ(id.common_name, "dukcapil-app");
  EXPECT_EQ(id.name(), "dukcapil-app");
  EXPECT_EQ(id.dns_names, std::vector<std::string>{"dukcapil.example.go.id"});
  EXPECT_EQ(id.uris, std::vector<std::string>{"spiffe://simpul/dukcapil"});
  EXPECT_EQ(id.emails, std::vector<std::string>{"ops@example.go.id"});
}

TEST_F(Tls, ClientCertificateFromAnotherCaIsRejected) {
  auto server = tls_context::make_server(server_opts());
  auto client = tls_context::make_client(client_opts("rogue"));
  ASSERT_TRUE(server && client);
  auto r = handshake(*server->current(), *client->current());
  EXPECT_TRUE(r.server) << "server accepted a certificate from an untrusted CA";
  EXPECT_TRUE(r.client);
}

TEST_F(Tls, MissingClientCertificate) {
  auto client = tls_context::make_client(client_opts(""));
  ASSERT_TRUE(client);
  auto required = tls_context::make_server(server_opts(client_cert_mode::require));
  EXPECT_TRUE(handshake(*required->current(), *client->current()).server);
  auto optional = tls_context::make_server(server_opts(client_cert_mode::optional));
  auto r = handshake(*optional->current(), *client->current());
  ASSERT_TRUE(r.ok()) << r.server.message() << " / " << r.client.message();
  ASSERT_TRUE(r.peer);
  EXPECT_EQ(r.peer->error().code, "tls.no_peer_cert");
}

TEST_F(Tls, Tls11ClientIsRefused) {
  auto server = tls_context::make_server(server_opts(client_cert_mode::none));
  ASSERT_TRUE(server);
  asio::ssl::context old(asio::ssl::context::tls_client);
  SSL_CTX* c = old.native_handle();
  SSL_CTX_set_security_level(c, 0);
  SSL_CTX_set_min_proto_version(c, TLS1_1_VERSION);
  SSL_CTX_set_max_proto_version(c, TLS1_1_VERSION);
  SSL_CTX_set_cipher_list(c, "DEFAULT:@SECLEVEL=0");
  auto r = handshake(*server->current(), old);
  ASSERT_TRUE(r.server);
  EXPECT_NE(r.server.message().find("protocol"), std::string::npos) << r.server.message();
  // The same client allowed up to TLS 1.2 gets in: the refusal was the version.
  SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION);
  EXPECT_TRUE(handshake(*server->current(), old).ok());
}

TEST_F(Tls, ClientChecksTheServerName) {
  auto server = tls_context::make_server(server_opts(client_cert_mode::none));
  ASSERT_TRUE(server);
  auto good = tls_context::make_client(client_opts(""));
  EXPECT_TRUE(handshake(*server->current(), *good->current()).ok());

  auto o = client_opts("");
  o.server_name = "other.example.go.id";
  auto wrong = tls_context::make_client(o);
  auto r = handshake(*server->current(), *wrong->current());
  EXPECT_TRUE(r.client) << "client accepted a certificate for another host";

  // Per-connection host overrides the configured one; IP SANs work too.
  auto by_ip = handshake(*server->current(), *wrong->current(), [&](SSL* ssl) {
    ASSERT_TRUE(wrong->prepare_client_connection(ssl, "127.0.0.1"));
  });
  EXPECT_TRUE(by_ip.ok()) << by_ip.client.message();

  o.verify_peer = false;
  auto lax = tls_context::make_client(o);
  EXPECT_TRUE(handshake(*server->current(), *lax->current()).ok());

  auto system_store = client_opts("");
  system_store.ca_file.clear();  // the test CA is not in the system store
  auto sys = tls_context::make_client(system_store);
  ASSERT_TRUE(sys);
  EXPECT_TRUE(handshake(*server->current(), *sys->current()).client);
}

TEST_F(Tls, RevokedClientCertificateIsRejectedWithACrl) {
  test::temp_dir crl;
  const std::string d = crl.path().string();
  test::write_file(d + "/index.txt", "");
  test::write_file(d + "/crlnumber", "01\n");
  test::write_file(d + "/ca.cnf", "[ca]\ndefault_ca=d\n[d]\ndatabase=" + d +
                                      "/index.txt\ncrlnumber=" + d +
                                      "/crlnumber\ndefault_md=sha256\ndefault_crl_days=1\n");
  const std::string ca = "openssl ca -config " + d + "/ca.cnf -keyfile " + f("ca.key") +
                         " -cert " + f("ca.crt");
  auto empty = test::run(ca + " -gencrl -out " + d + "/empty.pem");
  ASSERT_EQ(empty.status, 0) << empty.output;
  auto revoked = test::run(ca + " -revoke " + f("client.crt") + " && " + ca + " -gencrl -out " +
                           d + "/revoked.pem");
  ASSERT_EQ(revoked.status, 0) << revoked.output;

  auto client = tls_context::make_client(client_opts());
  ASSERT_TRUE(client);
  auto o = server_opts();
  o.crl_file = d + "/empty.pem";
  auto with_empty = tls_context::make_server(o);
  ASSERT_TRUE(with_empty) << with_empty.error().message;
  EXPECT_TRUE(handshake(*with_empty->current(), *client->current()).ok());
  o.crl_file = d + "/revoked.pem";
  auto with_revoked = tls_context::make_server(o);
  ASSERT_TRUE(with_revoked);
  EXPECT_TRUE(handshake(*with_revoked->current(), *client->current()).server);
  o.crl_file = d + "/missing.pem";
  EXPECT_EQ(tls_context::make_server(o).error().code, "tls.crl_file");
}

TEST_F(Tls, ReloadSwapsTheContextAndKeepsTheOldOneOnFailure) {
  test::temp_dir copy;
  std::filesystem::copy_file(f("server.crt"), copy.file("s.crt"));
  std::filesystem::copy_file(f("server.key"), copy.file("s.key"));
  auto o = server_opts(client_cert_mode::none);
  o.cert_file = copy.file("s.crt");
  o.key_file = copy.file("s.key");
  auto server = tls_context::make_server(o);
  ASSERT_TRUE(server);
  auto first = server->current();
  ASSERT_TRUE(server->reload());
  auto second = server->current();
  EXPECT_NE(first.get(), second.get());
  std::filesystem::remove(copy.file("s.crt"));
  auto failed = server->reload();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "tls.cert_file");
  EXPECT_EQ(server->current().get(), second.get());
  auto client = tls_context::make_client(client_opts(""));
  EXPECT_TRUE(handshake(*server->current(), *client->current()).ok());
}

TEST_F(Tls, ConfigErrors) {
  auto o = server_opts();
  o.key_file = f("client.key");
  auto mismatch = tls_context::make_server(o);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, "tls.key_file");
  o = server_opts();
  o.client_ca_file.clear();
  EXPECT_EQ(tls_context::make_server(o).error().code, "tls.client_ca_file");
  o = server_opts();
  o.cipher_list = "NOT-A-CIPHER";
  EXPECT_EQ(tls_context::make_server(o).error().code, "tls.ciphers");
  auto c = client_opts();
  c.ca_file = f("missing.pem");
  EXPECT_EQ(tls_context::make_client(c).error().code, "tls.ca_file");
}

}  // namespace
}  // namespace simpul::security
