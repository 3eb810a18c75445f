#include "mappings/formats/ndjson.h"

#include <gtest/gtest.h>

#include "mappings/formats/json.h"
#include "tests/mappings/formats_domain/test_util.h"

namespace simpul::mappings::formats {
namespace {

TEST(NdjsonTest, ReadsLinesSkippingBlankOnesAndCrlf) {
  auto doc = read_ndjson("{\"a\":1}\r\n\r\n[2]\n\"x\"\n");
  ASSERT_TRUE(doc) << to_string(doc.error());
  EXPECT_EQ(write_json(doc->values), R"([{"a":1},[2],"x"])");
}

TEST(NdjsonTest, StrictModeReportsTheLineOfTheBadValue) {
  auto doc = read_ndjson("{\"a\":1}\n\n{\"b\":}\n{\"c\":3}\n");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().line, 3);
  EXPECT_EQ(doc.error().column, 6);
}

TEST(NdjsonTest, CollectModeKeepsGoodLines) {
  auto doc = read_ndjson("1\nnope\n3\n{\n", true);
  ASSERT_TRUE(doc);
  EXPECT_EQ(write_json(doc->values), "[1,3]");
  ASSERT_EQ(doc->errors.size(), 2u);
  EXPECT_EQ(doc->errors[0].line, 2);
  EXPECT_EQ(doc->errors[1].line, 4);
}

TEST(NdjsonTest, WriterRoundTrips) {
  auto in = parse_json(R"([{"a":"x\ny"},2,null])");
  ASSERT_TRUE(in);
  const std::string text = write_ndjson(*in);
  EXPECT_EQ(text, "{\"a\":\"x\\ny\"}\n2\nnull\n");
  auto back = read_ndjson(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->values, *in);
}

TEST(NdjsonTest, ReadsTheSensorSampleWhenPresent) {
  const std::string path = test_support::spbe_dir() + "/samples/sensor/mqtt_messages.jsonl";
  const auto text = test_support::read_text_file(path);
  if (!text) GTEST_SKIP() << "shared SPBE sample not found at " << path;
  auto doc = read_ndjson(*text);
  ASSERT_TRUE(doc) << to_string(doc.error());
  EXPECT_EQ(doc->values.Size(), 5u);
}

}  // namespace
}  // namespace simpul::mappings::formats
