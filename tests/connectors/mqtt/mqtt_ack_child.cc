// A hub stand-in for the kill test (mqtt_ack_test.cc): runs the real mqtt
// input and prints "got <body>" for every message offered to its ingress.
// Bodies starting with "ack" are accepted at once; the others are never
// answered (the hub "has not taken them yet"), so they stay unacknowledged
// until the test SIGKILLs this process. Mode "all" accepts everything.
//
//   mqtt_ack_child <broker url> <client id> <version 3.1.1|5> <filter> <hold|all>
#include <utility>

#include <cstdio>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "connectors/registry.h"
#include "tests/connectors/support/config_builder.h"

namespace {

using namespace simpul;
using namespace simpul::connectors;

class holding_ingress : public ingress {
 public:
  explicit holding_ingress(bool accept_all) : accept_all_(accept_all) {}
  void submit(message_ptr msg, ingest_handler done) override {
    std::printf("got %s\n", msg->body.c_str());
    std::fflush(stdout);
    if (accept_all_ || msg->body.starts_with("ack")) {
      ingest_result r;
      r.message_id = msg->id;
      done(std::move(r));
    }
    // else: `done` is dropped, the message is never answered
  }

 private:
  bool accept_all_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s <url> <client id> <version> <filter> <hold|all>\n", argv[0]);
    return 2;
  }
  registry reg;
  register_all(reg);
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  auto conn = test::map({{"url", test::scalar(argv[1])},
                         {"client_id", test::scalar(argv[2])},
                         {"version", test::scalar(argv[3])},
                         {"clean_session", test::scalar("false")},
                         {"reconnect_min", test::scalar("100ms")},
                         {"reconnect_max", test::scalar("500ms")}});
  context ctx{io, "sensors", ".", nullptr, nullptr};
  auto in = reg.find("mqtt")->make_input(test::share(std::move(conn)), ctx);
  if (!in) return 3;
  auto sink = std::make_shared<holding_ingress>(std::string(argv[5]) == "all");
  auto opts = test::map({{"topics", test::sequence({test::scalar(argv[4])})}});
  if (!(*in)->bind({"air", test::share(std::move(opts)), sink})) return 4;
  if (!(*in)->start()) return 5;
  io.run();  // until killed
  return 0;
}
