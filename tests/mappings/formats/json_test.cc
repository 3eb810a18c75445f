#include "mappings/formats/json.h"

#include <gtest/gtest.h>

namespace simpul::mappings::formats {
namespace {

TEST(JsonTest, ParsesAndKeepsLargeIntegersExact) {
  auto doc = parse_json(R"({"nik": 3374036708929903, "x": [1, 2.5, "a"]})");
  ASSERT_TRUE(doc) << to_string(doc.error());
  ASSERT_TRUE((*doc)["nik"].IsUint64());
  EXPECT_EQ((*doc)["nik"].GetUint64(), 3374036708929903ULL);
  EXPECT_EQ(write_json(*doc), R"({"nik":3374036708929903,"x":[1,2.5,"a"]})");
}

TEST(JsonTest, ErrorHasLineAndColumnAndExpectation) {
  auto doc = parse_json("{\n  \"a\": 1,\n  \"b\" 2\n}");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, "json.syntax");
  EXPECT_EQ(doc.error().line, 3);
  EXPECT_EQ(doc.error().column, 7);
  EXPECT_NE(doc.error().detail.find("':'"), std::string::npos);
}

TEST(JsonTest, ColumnCountsUtf8Characters) {
  auto doc = parse_json("[\"±é\" x]");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().line, 1);
  EXPECT_EQ(doc.error().column, 7);
}

TEST(JsonTest, CrlfCountsAsOneLineEnd) {
  auto doc = parse_json("[1,\r\n2,\r\n]");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().line, 3);
  EXPECT_EQ(doc.error().column, 1);
}

TEST(JsonTest, EmptyAndTrailingGarbageAreErrors) {
  auto empty = parse_json("  ");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().detail, "expected a JSON value");
  auto trailing = parse_json("{} {}");
  ASSERT_FALSE(trailing);
  EXPECT_EQ(trailing.error().column, 4);
}

TEST(JsonTest, PrettyWriterIndentsByTwo) {
  auto doc = parse_json(R"({"a":{"b":[1]}})");
  ASSERT_TRUE(doc);
  EXPECT_EQ(write_json(*doc, json_style::pretty), "{\n  \"a\": {\n    \"b\": [\n      1\n    ]\n  }\n}");
}

TEST(JsonTest, InvalidUtf8IsRejected) {
  auto doc = parse_json("\"\xC3\x28\"");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().detail, "expected valid UTF-8");
}

}  // namespace
}  // namespace simpul::mappings::formats
