#include "hub/admin/admin_server.h"

#include <gtest/gtest.h>

#include <future>

#include <boost/asio/post.hpp>

#include "../../connectors/http/test_support.h"
#include "monitoring/catalogue.h"

namespace simpul::hub {
namespace {

using namespace simpul::test;

// The admin listener on a hub with ONE io thread, as `threads: 1` runs it.
class AdminServerTest : public ::testing::Test {
 protected:
  io_runner runner{1};
  monitoring::catalogue metrics{std::make_shared<prometheus::Registry>(), "test"};
  std::shared_ptr<admin_api> api = std::make_shared<admin_api>(metrics, "t", true);
  std::unique_ptr<admin_server> server;

  void start() {
    config::admin_settings s;
    s.host = "127.0.0.1";
    s.port = 0;
    server = std::make_unique<admin_server>(runner.io(), s, api);
    auto r = server->start();
    ASSERT_TRUE(r.has_value()) << r.error().message;
  }
  ~AdminServerTest() override {
    if (server) server->stop();
    server.reset();
    EXPECT_TRUE(runner.finish());
  }
  string_response post(std::string target) {
    client_connection c(server->port());
    auto req = make_request(bhttp::verb::post, std::move(target));
    req.set(bhttp::field::authorization, "Bearer t");
    return c.round_trip(std::move(req));
  }
};

TEST_F(AdminServerTest, ReloadThatNeedsTheIoThreadCompletesOnASingleThreadedHub) {
  // A reload waits for work done on the io thread (the old listeners close
  // there). Run on that thread it could only time out.
  api->set_reloader([this] {
    auto done = std::make_shared<std::promise<void>>();
    boost::asio::post(runner.io(), [done] { done->set_value(); });
    bool ran = done->get_future().wait_for(std::chrono::seconds(3)) == std::future_status::ready;
    return admin_api::response{ran ? 200 : 500, "application/json",
                               ran ? R"({"reloaded":true})" : R"({"stuck":true})", {}};
  });
  start();
  auto res = post("/admin/reload");
  EXPECT_EQ(res.result_int(), 200) << res.body();
}

TEST_F(AdminServerTest, ProbesAnswerWhileAnAdminRequestIsBusy) {
  gate busy, entered;
  api->set_reloader([&] {
    entered.release();
    busy.wait();
    return admin_api::response{200, "application/json", "{}", {}};
  });
  start();
  auto slow = std::async(std::launch::async, [&] { return post("/admin/reload"); });
  entered.wait();
  client_connection c(server->port());
  auto health = c.round_trip(make_request(bhttp::verb::get, "/healthz"));
  EXPECT_EQ(health.result_int(), 200);
  auto scrape = c.round_trip(make_request(bhttp::verb::get, "/metrics"));
  EXPECT_EQ(scrape.result_int(), 200);
  // both answered while the admin request was still held
  EXPECT_EQ(slow.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  busy.release();
  EXPECT_EQ(slow.get().result_int(), 200);
}

}  // namespace
}  // namespace simpul::hub
