#include "hub/config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include "tests/hub/config/test_factories.h"

namespace simpul::config {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ConfigLoader : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("SIMPUL_TEST_ADMIN_TOKEN", "adm1n-t0ken", 1);
    dir_.write("mappings/lapor.yaml", "expr: $\n");
    dir_.write("schemas/lapor.schema.json", "{}\n");
    dir_.write("secrets/key", "pr1vate-key\n");
  }
  void TearDown() override { ::unsetenv("SIMPUL_TEST_ADMIN_TOKEN"); }

  config_result load(const std::string& yaml) {
    return load_config(dir_.write("simpul.yaml", yaml), registry_);
  }

  /// Every problem as printed, with the temp folder replaced by "DIR".
  std::vector<std::string> problems_of(const std::string& yaml) {
    auto r = load(yaml);
    EXPECT_FALSE(r) << "expected the config to be invalid";
    std::vector<std::string> out;
    if (r) return out;
    for (const auto& p : r.error()) {
      std::string line = format_problem(p);
      for (auto pos = line.find(dir_.path().string()); pos != std::string::npos;
           pos = line.find(dir_.path().string())) {
        line.replace(pos, dir_.path().string().size(), "DIR");
      }
      out.push_back(line);
    }
    return out;
  }

  testing::temp_dir dir_;
  connectors::registry registry_ = testing::make_test_registry();
};

constexpr const char* complete_config = R"(hub:
  name: simpul-demo
  data_dir: data/demo
  log_level: debug
  log_format: json
  threads: 4
  shutdown_timeout: 15s
  admin:
    listen: 127.0.0.1:9500
    token: ${env:SIMPUL_TEST_ADMIN_TOKEN}
    open_health: false
connectors:
  regional_api:
    type: test_server
    listen: 127.0.0.1:0
    max_body: 2MiB
    tags: [a, b]
    headers: {x-a: "1"}
    tls: {cert: certs/c.pem, key: "${file:secrets/key}"}
    users:
      - {name: alice, password: "${env:SIMPUL_TEST_ADMIN_TOKEN}"}
  national:
    type: test_client
    url: http://127.0.0.1:8081/api
  bus:
    type: test_queue
mappings:
  lapor_to_national: mappings/lapor.yaml
routes:
  lapor:
    from: {connector: regional_api, path: /lapor, methods: [POST, PUT]}
    when: 'type = "pengaduan"'
    mode: request_reply
    ordered: true
    steps:
      - validate: schemas/lapor.schema.json
      - map: lapor_to_national
      - filter: 'status != "draft"'
      - split: items
      - split:
    to:
      - {connector: national, when: 'priority = "high"', method: PUT, concurrency: 8}
    retry: {max_attempts: 3, initial_backoff: 1s, max_backoff: 1m, multiplier: 1.5}
    timeout: 5s
    durability: write
    max_messages: 500
    max_bytes: 1MiB
  fanout:
    from: {connector: bus, topic: in}
    to: [national, {connector: bus, topic: out}]
)";

TEST_F(ConfigLoader, CompleteConfigMapsToTypedConfig) {
  auto r = load(complete_config);
  ASSERT_TRUE(r) << format_problem(r.error().front());
  const hub_config& c = *r;
  EXPECT_EQ(c.hub.name, "simpul-demo");
  EXPECT_EQ(c.hub.data_dir, dir_.path() / "data/demo");
  EXPECT_EQ(c.hub.log_level, "debug");
  EXPECT_EQ(c.hub.log_format, "json");
  EXPECT_EQ(c.hub.threads, 4);
  EXPECT_EQ(c.hub.shutdown_timeout, std::chrono::seconds(15));
  EXPECT_EQ(c.hub.admin.host, "127.0.0.1");
  EXPECT_EQ(c.hub.admin.port, 9500);
  EXPECT_EQ(c.hub.admin.token, "adm1n-t0ken");
  EXPECT_FALSE(c.hub.admin.open_health);

  ASSERT_EQ(c.connectors.size(), 3u);
  const connector_config* api = c.find_connector("regional_api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->type, "test_server");
  EXPECT_EQ(api->where.line, 13);
  // Defaults from the spec are filled in, nested ones too.
  EXPECT_EQ(api->settings->get_duration("read_timeout"), std::chrono::seconds(30));
  EXPECT_EQ(api->settings->get_int("workers"), 4);
  EXPECT_EQ(api->settings->get_size("max_body"), 2u << 20);
  EXPECT_EQ(api->settings->find("limits")->get_int("burst"), 10);
  EXPECT_EQ(api->settings->find("tls")->get_string("key"), "pr1vate-key");
  EXPECT_TRUE(api->settings->find("tls")->find("key")->secret());
  EXPECT_THAT(api->settings->get_strings("tags"), ElementsAre("a", "b"));
  EXPECT_EQ(c.find_connector("nope"), nullptr);
  EXPECT_EQ(c.find_connector("bus")->settings->get_string("broker"), "127.0.0.1:1883");

  ASSERT_EQ(c.mappings.size(), 1u);
  EXPECT_EQ(c.find_mapping("lapor_to_national")->file, dir_.path() / "mappings/lapor.yaml");
  EXPECT_EQ(c.find_mapping("other"), nullptr);

  ASSERT_EQ(c.routes.size(), 2u);
  const route_config& lapor = c.routes[0];
  EXPECT_EQ(lapor.name, "lapor");
  EXPECT_EQ(lapor.from, "regional_api");
  EXPECT_EQ(lapor.from_options->get_string("path"), "/lapor");
  EXPECT_THAT(lapor.from_options->get_strings("methods"), ElementsAre("POST", "PUT"));
  EXPECT_EQ(lapor.when, "type = \"pengaduan\"");
  EXPECT_EQ(lapor.mode, route_mode::request_reply);
  EXPECT_TRUE(lapor.ordered);
  ASSERT_EQ(lapor.steps.size(), 5u);
  EXPECT_EQ(lapor.steps[0].type, step_config::kind::validate);
  EXPECT_EQ(lapor.steps[0].arg, (dir_.path() / "schemas/lapor.schema.json").string());
  EXPECT_EQ(lapor.steps[1].type, step_config::kind::map);
  EXPECT_EQ(lapor.steps[1].arg, "lapor_to_national");
  EXPECT_EQ(lapor.steps[2].type, step_config::kind::filter);
  EXPECT_EQ(lapor.steps[2].arg, "status != \"draft\"");
  EXPECT_EQ(lapor.steps[3].type, step_config::kind::split);
  EXPECT_EQ(lapor.steps[3].arg, "items");
  EXPECT_EQ(lapor.steps[4].arg, "$");
  EXPECT_EQ(lapor.steps[4].where.line, 40);
  ASSERT_EQ(lapor.to.size(), 1u);
  EXPECT_EQ(lapor.to[0].connector, "national");
  EXPECT_EQ(lapor.to[0].when, "priority = \"high\"");
  EXPECT_EQ(lapor.to[0].options->get_string("method"), "PUT");
  EXPECT_EQ(lapor.to[0].concurrency, 8);
  EXPECT_EQ(lapor.retry.max_attempts, 3);
  EXPECT_EQ(lapor.retry.initial_backoff, std::chrono::seconds(1));
  EXPECT_EQ(lapor.retry.max_backoff, std::chrono::minutes(1));
  EXPECT_DOUBLE_EQ(lapor.retry.multiplier, 1.5);
  EXPECT_EQ(lapor.timeout, std::chrono::seconds(5));
  EXPECT_EQ(lapor.durability, "write");
  EXPECT_EQ(lapor.max_messages, 500u);
  EXPECT_EQ(lapor.max_bytes, 1u << 20);

  const route_config& fanout = c.routes[1];
  EXPECT_EQ(fanout.mode, route_mode::accept);
  EXPECT_EQ(fanout.retry.max_attempts, 10);
  EXPECT_EQ(fanout.durability, "fsync");
  EXPECT_EQ(fanout.max_bytes, 256u << 20);
  ASSERT_EQ(fanout.to.size(), 2u);
  EXPECT_EQ(fanout.to[0].connector, "national");
  EXPECT_EQ(fanout.to[0].options->get_string("method"), "POST");  // default
  EXPECT_EQ(fanout.to[1].options->get_string("topic"), "out");
  EXPECT_EQ(fanout.to[1].options->get_int("qos"), 1);
  ASSERT_NE(c.root, nullptr);
}

TEST_F(ConfigLoader, DefaultsWhenSectionsAreLeftOut) {
  auto r = load("routes: {}\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->hub.name, "simpul");
  EXPECT_EQ(r->hub.data_dir, dir_.path() / "data");
  EXPECT_EQ(r->hub.threads, 2);
  EXPECT_EQ(r->hub.admin.port, 9464);
  EXPECT_TRUE(r->hub.admin.open_health);
  EXPECT_TRUE(r->hub.admin.token.empty());
  EXPECT_EQ(r->root->find("hub")->find("admin")->get_string("listen"), "127.0.0.1:9464");
}

TEST_F(ConfigLoader, RouteFromAsNameGetsDefaultOptions) {
  auto r = load(
      "connectors:\n  q: {type: test_queue}\n"
      "routes:\n  r:\n    from: {connector: q, topic: t}\n    to: q\n");
  // `to: q` names a queue whose output needs a topic.
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().size(), 1u);
  EXPECT_EQ(format_problem(r.error()[0]),
            (dir_.path() / "simpul.yaml").string() +
                ":6:9: routes.r.to: missing required field 'topic' (expected a string)");
}

TEST_F(ConfigLoader, EmptyConfig) {
  EXPECT_THAT(problems_of(""),
              ElementsAre("DIR/simpul.yaml:1:1: (root): the config is empty (expected a map "
                          "with hub, connectors, mappings, routes)"));
}

TEST_F(ConfigLoader, UnknownKeysSuggestCloseMatches) {
  EXPECT_THAT(problems_of("hub:\n  thread: 2\nroute: {}\nextra: 1\n"),
              ElementsAre("DIR/simpul.yaml:2:3: hub.thread: unknown key 'thread' (did you mean "
                          "'threads'?)",
                          "DIR/simpul.yaml:3:1: route: unknown key 'route' (did you mean "
                          "'routes'?)",
                          "DIR/simpul.yaml:4:1: extra: unknown key 'extra' (expected one of: hub, "
                          "connectors, mappings, routes)"));
}

TEST_F(ConfigLoader, WrongTypesAreReportedWhereTheValueIs) {
  EXPECT_THAT(
      problems_of("connectors:\n"
                  "  s:\n"
                  "    type: test_server\n"
                  "    listen: 127.0.0.1:1\n"
                  "    workers: many\n"
                  "    ratio: abc\n"
                  "    verbose: maybe\n"
                  "    tags: {a: 1}\n"
                  "    headers: [a]\n"
                  "    users: x\n"
                  "    tls: [1]\n"
                  "    limits: {burst: [1]}\n"
                  "hub:\n"
                  "  threads: 1.5\n"),
      ElementsAre(
          "DIR/simpul.yaml:5:14: connectors.s.workers: 'many' is not a whole number (expected "
          "e.g. 10)",
          "DIR/simpul.yaml:6:12: connectors.s.ratio: 'abc' is not a number (expected e.g. 2 or "
          "1.5)",
          "DIR/simpul.yaml:7:14: connectors.s.verbose: 'maybe' is not a boolean (expected true "
          "or false)",
          "DIR/simpul.yaml:8:11: connectors.s.tags: got a map (expected a string or a list of "
          "strings)",
          "DIR/simpul.yaml:9:14: connectors.s.headers: got a list (expected a map of strings)",
          "DIR/simpul.yaml:10:12: connectors.s.users: got 'x' (expected a list of maps)",
          "DIR/simpul.yaml:11:10: connectors.s.tls: got a list (expected a map)",
          "DIR/simpul.yaml:12:21: connectors.s.limits.burst: got a list (expected a whole "
          "number)",
          "DIR/simpul.yaml:14:12: hub.threads: '1.5' is not a whole number (expected e.g. 10)"));
}

TEST_F(ConfigLoader, MissingRequiredFieldsPointAtTheirParent) {
  EXPECT_THAT(problems_of("connectors:\n"
                          "  out:\n"
                          "    type: test_client\n"
                          "  s:\n"
                          "    type: test_server\n"
                          "    listen: 127.0.0.1:1\n"
                          "    users:\n"
                          "      - password: ${env:SIMPUL_TEST_ADMIN_TOKEN}\n"
                          "  notype: {url: x}\n"),
              ElementsAre("DIR/simpul.yaml:2:3: connectors.out: missing required field 'url' "
                          "(expected a string)",
                          "DIR/simpul.yaml:8:9: connectors.s.users[0]: missing required field "
                          "'name' (expected a string)",
                          "DIR/simpul.yaml:9:3: connectors.notype: missing required field "
                          "'type' (expected one of: test_client, test_queue, test_server)"));
}

TEST_F(ConfigLoader, ValuesOutsideAllowedAndBelowMinimum) {
  EXPECT_THAT(problems_of("hub:\n  log_level: verbose\n  log_format: jsn\n  threads: 0\n"
                          "connectors:\n  s: {type: test_server, listen: '1.2.3.4:5', format: "
                          "yaml, ratio: -1}\n"),
              ElementsAre("DIR/simpul.yaml:2:14: hub.log_level: 'verbose' is not allowed "
                          "(expected one of: trace, debug, info, warn, error)",
                          "DIR/simpul.yaml:3:15: hub.log_format: 'jsn' is not allowed (expected "
                          "one of: text, json; did you mean 'json'?)",
                          "DIR/simpul.yaml:4:12: hub.threads: '0' is too small (expected at "
                          "least 1)",
                          "DIR/simpul.yaml:6:55: connectors.s.format: 'yaml' is not allowed "
                          "(expected one of: json, xml)",
                          "DIR/simpul.yaml:6:68: connectors.s.ratio: '-1' is too small (expected "
                          "at least 0)"));
}

TEST_F(ConfigLoader, BadDurationsSizesAndListenAddresses) {
  auto p = problems_of(
      "hub:\n  shutdown_timeout: 10\n  admin: {listen: 'localhost'}\n"
      "connectors:\n  s:\n    type: test_server\n    listen: 127.0.0.1:99999\n"
      "    max_body: 1 parsec\n    read_timeout: 5 minutes\n");
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0],
            "DIR/simpul.yaml:2:21: hub.shutdown_timeout: '10' is not a duration (expected a "
            "number with a unit: 250ms, 30s, 5m, 2h, 1d)");
  EXPECT_EQ(p[1],
            "DIR/simpul.yaml:3:19: hub.admin.listen: 'localhost' is not host:port (the port is "
            "missing; e.g. 127.0.0.1:8080 or [::1]:8080)");
  EXPECT_EQ(p[2],
            "DIR/simpul.yaml:7:13: connectors.s.listen: '127.0.0.1:99999' is not host:port (the "
            "port must be a number from 0 to 65535; e.g. 127.0.0.1:8080 or [::1]:8080)");
  EXPECT_EQ(p[3],
            "DIR/simpul.yaml:8:15: connectors.s.max_body: '1 parsec' is not a size (expected "
            "bytes or a number with a unit: 512, 64KiB, 1MiB, 2GiB, 10KB, 1MB)");
  EXPECT_THAT(p[4], HasSubstr("simpul.yaml:9:19: connectors.s.read_timeout: '5 minutes' is not "
                              "a duration"));
}

TEST_F(ConfigLoader, UnknownConnectorTypeListsKnownOnes) {
  EXPECT_THAT(problems_of("connectors:\n  s:\n    type: test_sever\n    whatever: 1\n"
                          "  t:\n    type: kafka\n"),
              ElementsAre("DIR/simpul.yaml:3:11: connectors.s.type: unknown connector type "
                          "'test_sever' (known: test_client, test_queue, test_server; did you "
                          "mean 'test_server'?)",
                          "DIR/simpul.yaml:6:11: connectors.t.type: unknown connector type "
                          "'kafka' (known: test_client, test_queue, test_server)"));
}

TEST_F(ConfigLoader, ConnectorCrossFieldCheckRuns) {
  EXPECT_THAT(problems_of("connectors:\n  s:\n    type: test_server\n    listen: 127.0.0.1:1\n"
                          "    max_body: 100MiB\n"),
              ElementsAre("DIR/simpul.yaml:5:15: connectors.s: max_body above 64MiB needs "
                          "read_timeout of at least 1m"));
}

TEST_F(ConfigLoader, InvalidNames) {
  EXPECT_THAT(problems_of("connectors:\n  Bad Name: {type: test_queue}\n"),
              ElementsAre("DIR/simpul.yaml:2:3: connectors.Bad Name: invalid connector name "
                          "(expected lower-case letters, digits, '_' and '-')"));
}

constexpr const char* connectors_block =
    "connectors:\n"
    "  api: {type: test_server, listen: '127.0.0.1:0'}\n"
    "  out: {type: test_client, url: 'http://x'}\n"
    "  q: {type: test_queue}\n"
    "  unknown_kind: {type: nope}\n"
    "mappings:\n"
    "  m1: mappings/lapor.yaml\n";

TEST_F(ConfigLoader, RoutesNamingMissingOrMisusedConnectors) {
  auto p = problems_of(std::string(connectors_block) +
                       "routes:\n"
                       "  a:\n"
                       "    from: apx\n"
                       "    to: [outt, api, {connector: out}, unknown_kind]\n"
                       "  b:\n"
                       "    from: {connector: out}\n"
                       "    to: {connector: ghost, when: 'x'}\n");
  ASSERT_EQ(p.size(), 6u) << ::testing::PrintToString(p);
  EXPECT_EQ(p[0],
            "DIR/simpul.yaml:5:24: connectors.unknown_kind.type: unknown connector type "
            "'nope' (known: test_client, test_queue, test_server)");
  EXPECT_EQ(p[1],
            "DIR/simpul.yaml:10:11: routes.a.from: unknown connector 'apx' (known: api, "
            "out, q, unknown_kind; did you mean 'api'?)");
  EXPECT_EQ(p[2],
            "DIR/simpul.yaml:11:10: routes.a.to[0]: unknown connector 'outt' (known: api, "
            "out, q, unknown_kind; did you mean 'out'?)");
  EXPECT_EQ(p[3],
            "DIR/simpul.yaml:11:16: routes.a.to[1]: connector 'api' (type test_server) is "
            "an input only (expected an output connector in 'to')");
  EXPECT_EQ(p[4],
            "DIR/simpul.yaml:13:23: routes.b.from.connector: connector 'out' (type "
            "test_client) is an output only (expected an input connector in 'from')");
  EXPECT_EQ(p[5],
            "DIR/simpul.yaml:14:21: routes.b.to.connector: unknown connector 'ghost' "
            "(known: api, out, q, unknown_kind)");
}

TEST_F(ConfigLoader, MissingMappingsAndFiles) {
  auto p = problems_of(std::string(connectors_block) +
                       "  m2: mappings/none.yaml\n"
                       "routes:\n"
                       "  a:\n"
                       "    from: {connector: api, path: /a}\n"
                       "    steps:\n"
                       "      - validate: schemas/none.json\n"
                       "      - map: m3\n"
                       "      - mapp: m1\n"
                       "      - {map: m1, filter: x}\n"
                       "    to: out\n");
  ASSERT_EQ(p.size(), 6u) << ::testing::PrintToString(p);
  EXPECT_EQ(p[1],
            "DIR/simpul.yaml:8:7: mappings.m2: mapping file 'mappings/none.yaml' does not "
            "exist (looked for DIR/mappings/none.yaml)");
  EXPECT_EQ(p[2],
            "DIR/simpul.yaml:13:19: routes.a.steps[0].validate: schema file "
            "'schemas/none.json' does not exist (looked for DIR/schemas/none.json)");
  EXPECT_EQ(p[3],
            "DIR/simpul.yaml:14:14: routes.a.steps[1].map: unknown mapping 'm3' (known: "
            "m1, m2; did you mean 'm1'?)");
  EXPECT_EQ(p[4],
            "DIR/simpul.yaml:15:9: routes.a.steps[2].mapp: unknown step 'mapp' (expected "
            "one of: validate, map, filter, split; did you mean 'map'?)");
  EXPECT_EQ(p[5],
            "DIR/simpul.yaml:16:9: routes.a.steps[3]: got a map (expected a one-key map: "
            "validate, map, filter or split)");
}

TEST_F(ConfigLoader, RouteOptionsAreCheckedAgainstTheConnectorsSpec) {
  auto p = problems_of(std::string(connectors_block) +
                       "routes:\n"
                       "  a:\n"
                       "    from: {connector: api, path: /a, verb: GET, method: [POST]}\n"
                       "    to:\n"
                       "      - {connector: out, method: GET, topic: x}\n"
                       "  b:\n"
                       "    from: api\n"
                       "    to: [out]\n");
  ASSERT_EQ(p.size(), 6u) << ::testing::PrintToString(p);
  EXPECT_EQ(p[1],
            "DIR/simpul.yaml:10:38: routes.a.from.verb: unknown key 'verb' (expected one "
            "of: path, methods, connector)");
  EXPECT_EQ(p[2],
            "DIR/simpul.yaml:10:49: routes.a.from.method: unknown key 'method' (did you "
            "mean 'methods'?)");
  EXPECT_EQ(p[3],
            "DIR/simpul.yaml:12:34: routes.a.to[0].method: 'GET' is not allowed (expected "
            "one of: POST, PUT)");
  EXPECT_EQ(p[4],
            "DIR/simpul.yaml:12:39: routes.a.to[0].topic: unknown key 'topic' (expected "
            "one of: method, path, connector, when, concurrency)");
  EXPECT_EQ(p[5],
            "DIR/simpul.yaml:14:11: routes.b.from: missing required field 'path' "
            "(expected a string)");
}

TEST_F(ConfigLoader, RouteNeedsFromAndAtLeastOneOutput) {
  auto p = problems_of(std::string(connectors_block) +
                       "routes:\n"
                       "  a:\n"
                       "    from: {connector: api, path: /a}\n"
                       "    to: []\n"
                       "  b:\n"
                       "    to: out\n");
  ASSERT_EQ(p.size(), 3u) << ::testing::PrintToString(p);
  EXPECT_EQ(p[1],
            "DIR/simpul.yaml:11:9: routes.a.to: route has no output (expected a connector "
            "name or a list of outputs)");
  EXPECT_EQ(p[2],
            "DIR/simpul.yaml:12:3: routes.b: missing required field 'from' (expected any "
            "value)");
}

TEST_F(ConfigLoader, RequestReplyNeedsCapableInputAndOneOutput) {
  auto p = problems_of(std::string(connectors_block) +
                       "routes:\n"
                       "  a:\n"
                       "    from: {connector: q, topic: t}\n"
                       "    mode: request_reply\n"
                       "    to: out\n"
                       "  b:\n"
                       "    from: {connector: api, path: /b}\n"
                       "    mode: request_reply\n"
                       "    to: [out, {connector: q, topic: t}]\n");
  ASSERT_EQ(p.size(), 3u) << ::testing::PrintToString(p);
  EXPECT_EQ(p[1],
            "DIR/simpul.yaml:11:11: routes.a.mode: input 'q' (type test_queue) cannot "
            "wait for a reply (expected mode: accept, or an input that supports "
            "request_reply)");
  EXPECT_EQ(p[2],
            "DIR/simpul.yaml:16:9: routes.b.to: a request_reply route answers with one "
            "output's reply (expected one output, or a `when` on every output but the last; "
            "output 0 has none)");
}

TEST_F(ConfigLoader, RequestReplyMayChooseItsOutputByWhenAndMapTheReply) {
  auto p = problems_of(std::string(connectors_block) +
                       "routes:\n"
                       "  a:\n"
                       "    from: {connector: api, path: /a}\n"
                       "    mode: request_reply\n"
                       "    to: [{connector: out, when: ok = true}, {connector: q, topic: t}]\n"
                       "    reply_map: back\n"
                       "  b:\n"
                       "    from: {connector: api, path: /b}\n"
                       "    to: out\n"
                       "    reply_map: back\n");
  ASSERT_EQ(p.size(), 3u) << ::testing::PrintToString(p);
  EXPECT_THAT(p[1], HasSubstr("routes.a.reply_map: unknown mapping 'back'"));
  EXPECT_THAT(p[2], HasSubstr("routes.b.reply_map: reply_map needs mode: request_reply"));
}

TEST_F(ConfigLoader, ForwardTakesAnyInputAndOutputsButNoOrderOrReplyMap) {
  auto p = problems_of(std::string(connectors_block) +
                       "routes:\n"
                       "  a:\n"
                       "    from: {connector: q, topic: t}\n"
                       "    mode: forward\n"
                       "    to: [out, {connector: q, topic: u}]\n"
                       "  b:\n"
                       "    from: {connector: api, path: /b}\n"
                       "    mode: forward\n"
                       "    ordered: true\n"
                       "    to: out\n"
                       "    reply_map: back\n");
  ASSERT_EQ(p.size(), 3u) << ::testing::PrintToString(p);
  EXPECT_EQ(p[1],
            "DIR/simpul.yaml:16:14: routes.b.ordered: ordered needs mode: accept (a forward "
            "route keeps no queue to hold a key's later messages behind a retry)");
  EXPECT_THAT(p[2], HasSubstr("routes.b.reply_map: reply_map needs mode: request_reply"));
}

TEST_F(ConfigLoader, PlainTextInSecretFieldsIsRefusedWithoutEchoingIt) {
  auto p = problems_of(
      "hub:\n  admin: {token: hunter2}\n"
      "connectors:\n  s: {type: test_server, listen: '1.2.3.4:5', api_key: "
      "sup3rs3cret}\n");
  EXPECT_THAT(p, ElementsAre("DIR/simpul.yaml:2:18: hub.admin.token: secret values must come "
                             "from ${env:...} or ${file:...}",
                             "DIR/simpul.yaml:4:56: connectors.s.api_key: secret values must "
                             "come from ${env:...} or ${file:...}"));
  for (const auto& line : p) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("hunter2")));
    EXPECT_THAT(line, ::testing::Not(HasSubstr("sup3rs3cret")));
  }
}

TEST_F(ConfigLoader, SubstitutedValuesNeverAppearInProblems) {
  auto p = problems_of(
      "hub:\n"
      "  threads: ${env:SIMPUL_TEST_ADMIN_TOKEN}\n"
      "  log_level: ${env:SIMPUL_TEST_ADMIN_TOKEN}\n"
      "  shutdown_timeout: ${env:SIMPUL_TEST_ADMIN_TOKEN}\n"
      "  admin: {listen: '${env:SIMPUL_TEST_ADMIN_TOKEN}'}\n"
      "connectors:\n"
      "  s: {type: test_server, listen: '1.2.3.4:5', max_body: "
      "'${file:secrets/key}', tags: {x: y}}\n"
      "routes:\n"
      "  r: {from: '${env:SIMPUL_TEST_ADMIN_TOKEN}', to: s}\n");
  ASSERT_EQ(p.size(), 8u) << ::testing::PrintToString(p);
  EXPECT_EQ(p[0],
            "DIR/simpul.yaml:2:12: hub.threads: '<secret>' is not a whole number "
            "(expected e.g. 10)");
  EXPECT_EQ(p[1],
            "DIR/simpul.yaml:3:14: hub.log_level: '<secret>' is not allowed (expected one "
            "of: trace, debug, info, warn, error)");
  EXPECT_EQ(p[2],
            "DIR/simpul.yaml:4:21: hub.shutdown_timeout: '<secret>' is not a duration "
            "(expected a number with a unit: 250ms, 30s, 5m, 2h, 1d)");
  EXPECT_THAT(p[3], HasSubstr("simpul.yaml:5:19: hub.admin.listen: '<secret>' is not host:port"));
  EXPECT_THAT(p[4], HasSubstr("connectors.s.max_body: '<secret>' is not a size"));
  for (const auto& line : p) {
    EXPECT_THAT(line, ::testing::Not(HasSubstr("adm1n")));
    EXPECT_THAT(line, ::testing::Not(HasSubstr("pr1vate")));
  }
}

TEST_F(ConfigLoader, SecretFilePathsAreNotEchoed) {
  ::setenv("SIMPUL_TEST_MAP_DIR", "hidden-dir", 1);
  auto p = problems_of("mappings:\n  m: ${env:SIMPUL_TEST_MAP_DIR}/m.yaml\n");
  ::unsetenv("SIMPUL_TEST_MAP_DIR");
  EXPECT_THAT(p, ElementsAre("DIR/simpul.yaml:2:6: mappings.m: mapping file '<secret>' does not "
                             "exist"));
}

TEST_F(ConfigLoader, EveryProblemIsReportedSortedByPosition) {
  auto p = problems_of(
      "routes:\n"
      "  r: {from: ghost, to: ghost}\n"
      "hub:\n"
      "  threads: x\n"
      "  threads: 3\n"
      "connectors:\n"
      "  q: {type: test_queue, broker: nowhere}\n");
  ASSERT_EQ(p.size(), 5u) << ::testing::PrintToString(p);
  EXPECT_THAT(p[0], HasSubstr("simpul.yaml:2:13: routes.r.from: unknown connector 'ghost'"));
  EXPECT_THAT(p[1], HasSubstr("simpul.yaml:2:24: routes.r.to: unknown connector 'ghost'"));
  EXPECT_THAT(p[2], HasSubstr("simpul.yaml:4:12: hub.threads: 'x' is not a whole number"));
  EXPECT_THAT(p[3], HasSubstr("simpul.yaml:5:3: yaml: duplicate key 'threads'"));
  EXPECT_THAT(p[4], HasSubstr("simpul.yaml:7:33: connectors.q.broker: 'nowhere' is not "
                              "host:port"));
}

TEST_F(ConfigLoader, OutputConcurrencyIsAWholeNumberInRange) {
  auto p = problems_of(std::string(connectors_block) +
                       "routes:\n"
                       "  a:\n"
                       "    from: api\n"
                       "    to: [{connector: out, concurrency: 0}, {connector: q, concurrency: many}]\n");
  // (The block's other mistakes are reported too; these two are ours.)
  EXPECT_THAT(p, Contains(HasSubstr("simpul.yaml:11:40: routes.a.to[0].concurrency: got '0' "
                                    "(expected a whole number 1..4096)")));
  EXPECT_THAT(p, Contains(HasSubstr("routes.a.to[1].concurrency: got 'many'")));
}

TEST_F(ConfigLoader, YamlSyntaxErrorStopsBeforeValidation) {
  auto p = problems_of("hub: {name: x\nrest: 1\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_THAT(p[0], HasSubstr("DIR/simpul.yaml:"));
  EXPECT_THAT(p[0], HasSubstr(": yaml: "));
}

TEST_F(ConfigLoader, TextVariantAnchorsRelativePathsAtTheGivenFile) {
  auto r =
      load_config_text("mappings: {m: mappings/lapor.yaml}\n", dir_.path() / "x.yaml", registry_);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->file, dir_.path() / "x.yaml");
  EXPECT_EQ(r->mappings[0].file, dir_.path() / "mappings/lapor.yaml");
}

}  // namespace
}  // namespace simpul::config
