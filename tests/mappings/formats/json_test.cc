#include "mappings/formats/json.h"

#include <gtest/gtest.h>

#include <cmath>

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

TEST(JsonTest, DeepNestingIsRefusedWithPosition) {
  const std::string ok = std::string(512, '[') + std::string(512, ']');
  EXPECT_TRUE(parse_json(ok));
  const std::string deep = "\n" + std::string(600, '[') + std::string(600, ']');
  auto doc = parse_json(deep);
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, "json.depth");
  EXPECT_EQ(doc.error().line, 2);
  EXPECT_EQ(doc.error().column, 513);
  // brackets inside strings do not count
  EXPECT_TRUE(parse_json("[\"" + std::string(600, '[') + "\\\"\"]"));
}

TEST(JsonTest, InvalidUtf8IsRejected) {
  auto doc = parse_json("\"\xC3\x28\"");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().detail, "expected valid UTF-8");
}

}  // namespace
TEST(JsonTest, LongMantissasWithExtremeExponentsParseToTheNearestDouble) {
  // RapidJSON's full-precision path crashed on the first (a hub went down).
  auto doc = parse_json("[33.3333333333333333333333333334E-334, 3.333333333333333333333E-330, 1e-400, -1e-400, "
                        "0.1, 2.2250738585072014e-308, 4.9e-324, 1.7976931348623157e308, -12.5e3]");
  ASSERT_TRUE(doc) << to_string(doc.error());
  const auto& a = doc->GetArray();
  EXPECT_EQ(a[0].GetDouble(), 0.0);
  EXPECT_EQ(a[1].GetDouble(), 0.0);
  EXPECT_EQ(a[2].GetDouble(), 0.0);
  EXPECT_TRUE(std::signbit(a[3].GetDouble()));
  EXPECT_EQ(a[4].GetDouble(), 0.1);
  EXPECT_EQ(a[5].GetDouble(), 2.2250738585072014e-308);
  EXPECT_EQ(a[6].GetDouble(), 4.9e-324);
  EXPECT_EQ(a[7].GetDouble(), 1.7976931348623157e308);
  EXPECT_EQ(a[8].GetDouble(), -12500.0);
  auto big = parse_json("{\"x\": 1e400}");
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().message.find("too big"), std::string::npos) << big.error().message;
  auto ints = parse_json("[-9223372036854775808, 18446744073709551615, 18446744073709551616, -0]");
  ASSERT_TRUE(ints);
  EXPECT_TRUE((*ints)[0].IsInt64());
  EXPECT_EQ((*ints)[1].GetUint64(), 18446744073709551615ULL);
  EXPECT_TRUE((*ints)[2].IsDouble());
  EXPECT_EQ(write_json(*ints), "[-9223372036854775808,18446744073709551615,18446744073709553000.0,0]");
}

}  // namespace simpul::mappings::formats
