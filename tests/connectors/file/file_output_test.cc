#include <utility>

#include <fstream>
#include <future>

#include <gtest/gtest.h>

#include "connectors/registry.h"
#include "tests/connectors/support/config_builder.h"
#include "tests/connectors/support/io_runner.h"
#include "tests/connectors/support/temp_dir.h"

namespace simpul::connectors {
namespace {

namespace fs = std::filesystem;
using test::map;
using test::scalar;
using test::share;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FileOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    register_all(registry_);
    context ctx{runner_.io(), "arsip", dir_.path(), nullptr, nullptr};
    auto out = registry_.find("file")->make_output(share(map({{"dir", scalar((dir_.path() / "out").string())}})), ctx);
    ASSERT_TRUE(out.has_value());
    out_ = std::move(*out);
    ASSERT_TRUE(out_->start().has_value());
  }
  void TearDown() override {
    if (out_) out_->stop();
  }

  delivery_result send(message m, config::node opts) {
    std::promise<delivery_result> p;
    out_->send(std::make_shared<const message>(std::move(m)), share(std::move(opts)),
               [&p](delivery_result r) { p.set_value(std::move(r)); });
    auto f = p.get_future();
    EXPECT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    return f.get();
  }

  static message make(std::string id, std::string body) {
    message m;
    m.id = std::move(id);
    m.route = "lapor";
    m.body = std::move(body);
    m.received_at = std::chrono::system_clock::time_point(std::chrono::hours(24 * 20000));  // 2024-10-04
    m.attributes.emplace_back("kab", "../3204");
    return m;
  }

  test::temp_dir dir_;
  test::io_runner runner_;
  registry registry_;
  output_ptr out_;
};

TEST_F(FileOutput, PerMessageFilesAreNamedByTemplateAndWrittenWhole) {
  auto r = send(make("01J0000000000000000000000A", "{\"a\":1}"),
                map({{"filename", scalar("{{route}}-{{attr.kab}}-{{id}}.json")}}));
  EXPECT_EQ(r.state, delivery_result::outcome::delivered) << r.detail;
  fs::path expected = dir_.path() / "out" / "lapor-_._3204-01J0000000000000000000000A.json";
  EXPECT_EQ(read_file(expected), "{\"a\":1}");
  // No temp file is left behind and nothing escaped the directory.
  int count = 0;
  for (const auto& e : fs::directory_iterator(dir_.path() / "out")) count += e.is_regular_file();
  EXPECT_EQ(count, 1);
  // A retry of the same message rewrites the same file.
  send(make("01J0000000000000000000000A", "{\"a\":1}"), map({{"filename", scalar("{{route}}-{{attr.kab}}-{{id}}.json")}}));
  count = 0;
  for (const auto& e : fs::directory_iterator(dir_.path() / "out")) count += e.is_regular_file();
  EXPECT_EQ(count, 1);
}

TEST_F(FileOutput, NdjsonAppendsOneLinePerMessageToTheDailyFile) {
  auto opts = [] { return map({{"filename", scalar("{{date}}.ndjson")}, {"format", scalar("ndjson")}}); };
  EXPECT_EQ(send(make("A", "{\n \"n\": 1\n}"), opts()).state, delivery_result::outcome::delivered);
  EXPECT_EQ(send(make("B", "{\"n\":2}"), opts()).state, delivery_result::outcome::delivered);
  EXPECT_EQ(read_file(dir_.path() / "out" / "2024-10-04.ndjson"), "{  \"n\": 1 }\n{\"n\":2}\n");
}

TEST_F(FileOutput, BadTemplateIsPermanent) {
  auto r = send(make("A", "{}"), map({{"filename", scalar("{{nope}}.json")}}));
  EXPECT_EQ(r.state, delivery_result::outcome::permanent);
  EXPECT_NE(r.detail.find("nope"), std::string::npos);
}

}  // namespace
}  // namespace simpul::connectors
