#include "hub/config/spec_markdown.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/hub/config/test_factories.h"

namespace simpul::config {
namespace {

using ::testing::HasSubstr;

TEST(SpecMarkdown, DocsEmbedTheGeneratedHubReference) {
  std::ifstream in(SIMPUL_SOURCE_DIR "/docs/config.md");
  ASSERT_TRUE(in);
  std::ostringstream s;
  s << in.rdbuf();
  std::string doc = s.str();
  const std::string begin = "<!-- BEGIN GENERATED: simpul connectors --markdown (hub keys) -->\n";
  const std::string end = "<!-- END GENERATED -->";
  auto b = doc.find(begin);
  auto e = doc.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  b += begin.size();
  EXPECT_EQ(doc.substr(b, e - b), hub_reference_markdown())
      << "docs/config.md is stale: paste the hub part of `simpul connectors --markdown`";
}

TEST(SpecMarkdown, HubReferenceShowsDefaultsAllowedValuesAndSecrets) {
  auto md = hub_reference_markdown();
  EXPECT_THAT(md, HasSubstr("| `log_level` | `trace` \\| `debug` \\| `info` \\| `warn` \\| "
                            "`error` | `info` |"));
  EXPECT_THAT(md, HasSubstr("| `threads` | integer, >= 1 | `2` |"));
  EXPECT_THAT(md, HasSubstr("| `admin.token` | string, secret |  |"));
  EXPECT_THAT(md, HasSubstr("| `retry.max_backoff` | duration | `5m` |"));
  EXPECT_THAT(md, HasSubstr("| `from` | any | required |"));
}

TEST(SpecMarkdown, ConnectorSectionsComeFromTheSpecs) {
  auto reg = testing::make_test_registry();
  auto md = connectors_markdown(reg);
  EXPECT_THAT(md, HasSubstr("### `test_server`\n\ntest input\n\nUsable as: input, request_reply"));
  EXPECT_THAT(md, HasSubstr("| `listen` | host:port | required |"));
  EXPECT_THAT(md, HasSubstr("| `tls.cert` | string | required |"));
  EXPECT_THAT(md, HasSubstr("| `users[].password` | string, secret |"));
  EXPECT_THAT(md, HasSubstr("Route options (`from:`):\n\n| key |"));
  EXPECT_THAT(md, HasSubstr("| `methods` | list of strings | `[POST]` |"));
  EXPECT_THAT(md, HasSubstr("### `test_client`\n\ntest output\n\nUsable as: output\n"));
  EXPECT_THAT(md, HasSubstr("| `method` | `POST` \\| `PUT` | `POST` |"));
  // An input-only type has no output options section.
  auto server = md.substr(md.find("### `test_server`"));
  EXPECT_THAT(server, ::testing::Not(HasSubstr("Output options")));
}

TEST(SpecMarkdown, EmptyRegistrySaysSo) {
  connectors::registry reg;
  EXPECT_THAT(connectors_markdown(reg), HasSubstr("No connector types"));
}

}  // namespace
}  // namespace simpul::config
