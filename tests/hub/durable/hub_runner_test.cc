#include "hub/hub_runner.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include "connectors/registry.h"
#include "hub/config/config_loader.h"
#include "hub/route/jsonata_provider.h"
#include "monitoring/catalogue.h"

namespace simpul::hub {
namespace {

namespace asio = boost::asio;

std::uint16_t free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    char tmpl[] = "/tmp/simpul-runner-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
};

// A real hub from a real config file: an HTTP input and an HTTP output
// (pointing at a closed port; nothing is sent in these tests).
class HubRunnerTest : public ::testing::Test {
 protected:
  temp_dir dir;
  asio::io_context io{2};
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  std::thread thread{[this] { io.run(); }};
  monitoring::catalogue metrics{std::make_shared<prometheus::Registry>(), "test"};
  connectors::registry reg;
  jsonata_provider expressions;
  std::shared_ptr<admin_api> api = std::make_shared<admin_api>(metrics, "t", true);
  std::uint16_t port = free_port();
  std::filesystem::path file = dir.path / "simpul.yaml";

  HubRunnerTest() { connectors::register_all(reg); }
  ~HubRunnerTest() override {
    work.reset();
    io.stop();
    thread.join();
  }

  void write(const std::string& routes_extra, const std::string& lapor_path = "/lapor") {
    std::ofstream f(file);
    f << "hub:\n  data_dir: " << (dir.path / "data").string()
      << "\n  shutdown_timeout: 1s\n"
         "connectors:\n"
         "  api: {type: http_server, listen: \"127.0.0.1:" << port << "\"}\n"
         "  out: {type: http_client, url: \"http://127.0.0.1:9/x\"}\n"
         "routes:\n"
         "  lapor:\n    from: {connector: api, path: " << lapor_path << "}\n    to: [out]\n"
         "  izin:\n    from: {connector: api, path: /izin}\n    to: [out]\n"
      << routes_extra;
  }

  std::unique_ptr<hub_runner> start() {
    auto cfg = config::load_config(file, reg);
    EXPECT_TRUE(cfg.has_value());
    auto r = std::make_unique<hub_runner>(hub::services{io, metrics, reg, &expressions}, file, api);
    auto ok = r->start(std::make_shared<const config::hub_config>(std::move(*cfg)));
    EXPECT_TRUE(ok.has_value()) << (ok ? "" : ok.error().message);
    return r;
  }
};

TEST_F(HubRunnerTest, InvalidConfigIsRefusedWithPositionsAndTheOldOneStays) {
  write("");
  auto runner = start();
  auto before = runner->current();
  write("    bogus: 1\n");
  auto rep = runner->reload();
  EXPECT_FALSE(rep.applied);
  EXPECT_EQ(rep.code, "config.invalid");
  ASSERT_FALSE(rep.problems.empty());
  EXPECT_EQ(rep.problems[0].where.file, file.string());
  EXPECT_GT(rep.problems[0].where.line, 0);
  EXPECT_EQ(runner->current(), before);
  auto res = hub_runner::to_response(rep);
  EXPECT_EQ(res.status, 422);
  EXPECT_NE(res.body.find("\"line\":"), std::string::npos);
  EXPECT_NE(res.body.find("bogus"), std::string::npos);
  runner->stop();
}

TEST_F(HubRunnerTest, ValidChangeIsAppliedAndClassifiedAndSpoolsAreKept) {
  write("");
  auto runner = start();
  auto before = runner->current();
  auto* lapor_spool = before->find_route("lapor")->spool();
  auto* izin_spool = before->find_route("izin")->spool();
  write("  baru:\n    from: {connector: api, path: /baru}\n    to: [out]\n", "/lapor2");
  auto rep = runner->reload();
  ASSERT_TRUE(rep.applied) << rep.message;
  EXPECT_EQ(rep.unchanged, std::vector<std::string>{"izin"});
  EXPECT_EQ(rep.changed, std::vector<std::string>{"lapor"});
  EXPECT_EQ(rep.added, std::vector<std::string>{"baru"});
  EXPECT_TRUE(rep.removed.empty());
  auto after = runner->current();
  EXPECT_NE(after, before);
  // One spool per route across generations: pending and in-flight work stays.
  EXPECT_EQ(after->find_route("izin")->spool(), izin_spool);
  EXPECT_EQ(after->find_route("lapor")->spool(), lapor_spool);
  ASSERT_NE(after->find_route("baru"), nullptr);
  EXPECT_EQ(hub_runner::to_response(rep).status, 200);

  write("");  // baru removed
  auto rep2 = runner->reload();
  ASSERT_TRUE(rep2.applied) << rep2.message;
  EXPECT_EQ(rep2.removed, std::vector<std::string>{"baru"});
  EXPECT_EQ(runner->current()->find_route("baru"), nullptr);
  runner->stop();
}

TEST_F(HubRunnerTest, DataDirChangeIsRefused) {
  write("");
  auto runner = start();
  auto before = runner->current();
  std::ofstream(file, std::ios::app) << "";
  {
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    auto at = text.find("/data");
    text.replace(at, 5, "/other");
    std::ofstream(file) << text;
  }
  auto rep = runner->reload();
  EXPECT_FALSE(rep.applied);
  EXPECT_EQ(rep.code, "reload.data_dir");
  EXPECT_EQ(runner->current(), before);
  runner->stop();
}

TEST(DedupConfig, HeaderAndExpressionKeysAndBadWindow) {
  connectors::registry reg;
  connectors::register_all(reg);
  auto base = [](const std::string& dedup) {
    return "hub: {data_dir: /tmp/x}\n"
           "connectors:\n"
           "  api: {type: http_server, listen: \"127.0.0.1:1\"}\n"
           "  out: {type: http_client, url: \"http://127.0.0.1:9/x\"}\n"
           "routes:\n"
           "  r:\n"
           "    from: {connector: api, path: /r, dedup: " + dedup + "}\n"
           "    to: [out]\n";
  };
  auto h = config::load_config_text(base("{key: \"header:Idempotency-Key\", window: 2h}"), "a.yaml", reg);
  ASSERT_TRUE(h.has_value()) << config::format_problem(h.error().front());
  EXPECT_TRUE(h->routes[0].dedup.enabled);
  EXPECT_EQ(h->routes[0].dedup.header, "Idempotency-Key");
  EXPECT_EQ(h->routes[0].dedup.window, std::chrono::hours(2));
  auto e = config::load_config_text(base("{key: nomor}"), "a.yaml", reg);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->routes[0].dedup.expression, "nomor");
  EXPECT_EQ(e->routes[0].dedup.window, std::chrono::hours(24));
  auto bad = config::load_config_text(base("{key: nomor, window: soon}"), "a.yaml", reg);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().front().path, "routes.r.from.dedup.window");
  EXPECT_EQ(bad.error().front().where.line, 7);
}

TEST(DurableStores, OneSpoolPerRouteUntilDropped) {
  temp_dir dir;
  auto s = durable_stores::open(dir.path);
  ASSERT_TRUE(s.has_value());
  spool::spool_options so;
  so.dir = (dir.path / "spool" / "a").string();
  auto a1 = (*s)->spool("a", so);
  auto a2 = (*s)->spool("a", so);
  ASSERT_TRUE(a1 && a2);
  EXPECT_EQ(a1->get(), a2->get());
  auto d1 = (*s)->dedup("a");
  ASSERT_TRUE(d1.has_value());
  ASSERT_EQ((*d1)->check_and_insert("k", std::chrono::hours(1)), spool::dedup_store::status::fresh);
  ASSERT_TRUE((*d1)->confirm("k", "01ORIGINAL").has_value());
  ASSERT_TRUE((*d1)->sync().has_value());
  std::weak_ptr<spool::route_spool> weak = *a1;
  a1->reset();
  a2->reset();
  d1->reset();
  (*s)->retain_only({});
  EXPECT_TRUE(weak.expired());
  // The key and its value come back from disk.
  auto d2 = (*s)->dedup("a");
  ASSERT_TRUE(d2.has_value());
  EXPECT_EQ((*d2)->check_and_insert("k", std::chrono::hours(1)), spool::dedup_store::status::duplicate);
  EXPECT_EQ((*d2)->value("k"), "01ORIGINAL");
}

}  // namespace
}  // namespace simpul::hub
