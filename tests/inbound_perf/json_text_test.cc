#include "hub/route/json_text.h"

#include <gtest/gtest.h>
#include <rapidjson/error/en.h>

#include <optional>
#include <string>
#include <vector>

#include "mappings/jsonata/json.h"

namespace simpul::hub {
namespace {

// The map step's one parse of a body (a route whose first step is the map
// leaves the check to it): what it refuses and with which failure.
std::optional<step_failure> via_map_step(const std::string& body) {
  auto mapped = mappings::jsonata::parse_json_document(body, max_json_body_depth);
  if (!mapped) return json_body_failure(body, mapped.error().offset, mapped.error().code);
  return check_json_utf8(body);
}

// check_json_body must give exactly the verdict and message of the DOM parse
// it replaces on the ingest path, and so must the map step's parse.
void expect_same_failure(const std::optional<step_failure>& want, const std::optional<step_failure>& got,
                         const std::string& body) {
  ASSERT_EQ(want.has_value(), got.has_value()) << "body: " << body;
  if (!want) return;
  EXPECT_EQ(want->code, got->code);
  EXPECT_EQ(want->message, got->message) << "body: " << body;
  EXPECT_EQ(want->http_status, got->http_status);
}

void expect_same(const std::string& body) {
  rapidjson::Document doc;
  auto dom = parse_json_body(body, doc);
  expect_same_failure(dom, check_json_body(body), body);
  expect_same_failure(dom, via_map_step(body), body);
  // Both parse iteratively (no recursion on deep input); within the depth
  // limit that gives the recursive parser's verdict, error and offset.
  rapidjson::Document recursive;
  recursive.Parse(body.data(), body.size());
  ASSERT_EQ(recursive.HasParseError(), dom.has_value()) << "body: " << body;
  if (dom) {
    EXPECT_NE(dom->message.find("(offset " + std::to_string(recursive.GetErrorOffset()) + "): " +
                                rapidjson::GetParseError_En(recursive.GetParseError())),
              std::string::npos)
        << dom->message;
  }
}

TEST(JsonCheck, JsonContentTypesAreKnownInAnyCase) {
  for (const char* ct : {"application/json", "Application/JSON", "application/json; charset=utf-8",
                         " APPLICATION/JSON ;charset=UTF-8", "text/json", "Text/Json",
                         "application/vnd.api+json", "application/problem+JSON"}) {
    EXPECT_TRUE(is_json_content_type(ct)) << ct;
  }
  for (const char* ct : {"", "json", "application/xml", "text/plain; note=application/json",
                         "application/jsonx", "+json"}) {
    EXPECT_FALSE(is_json_content_type(ct)) << ct;
  }
}

TEST(JsonCheck, AgreesWithTheDomParseOnValidBodies) {
  std::string pad(5000, 'x');
  for (std::string b : {std::string(R"({"a":1})"), std::string(R"([1,2.5e3,-0,true,false,null])"),
                        std::string("  {\"nested\":{\"k\":[{},[]]}}  \n"),
                        "{\"pad\":\"" + pad + "\"}", std::string(R"("just a string")"),
                        std::string(R"({"esc":"a\"b\\c\u00e9\n\t"})"),
                        std::string("{\"utf8\":\"J\xC3\xA9rome \xE2\x82\xAC\"}"), std::string("42"),
                        std::string(R"({"pair":"\ud83d\ude00","big":123456789012345678901234567890})"),
                        std::string(R"({"tiny":4.9e-324,"max":1.7976931348623157e308})"),
                        // RapidJSON 1.1.0 checks only that a high surrogate is
                        // followed by a low one; a lone low one passes in all three.
                        std::string(R"(["\udc00"])")}) {
    expect_same(b);
    EXPECT_FALSE(check_json_body(b).has_value()) << b;
  }
}

TEST(JsonCheck, AgreesWithTheDomParseOnMalformedBodies) {
  std::vector<std::string> bad = {"",
                                  "   ",
                                  "{",
                                  R"({"a":})",
                                  R"({"a":1,})",
                                  R"([1,2)",
                                  R"({"a":"unterminated)",
                                  "{\"a\":\"ctl\x01\"}",
                                  R"({"a":"\x"})",
                                  R"({"a":1} trailing)",
                                  "{\"a\":1}\n\n  x",
                                  R"({'single':1})",
                                  R"({"n":1e400})",
                                  R"({"n":01})",
                                  "NaN",
                                  R"({"n":-1e309})",
                                  R"({"lone":"\ud800"})",
                                  R"({"lone":"\ud800\u0041"})",
                                  R"({"a":1}{"b":2})",
                                  R"([1] [2])",
                                  "{\"line\":1,\n\"two\":\n@}"};
  for (const auto& b : bad) {
    expect_same(b);
    EXPECT_TRUE(check_json_body(b).has_value()) << b;
  }
}

TEST(JsonCheck, ByteOrderMarksAndNulsAreTreatedLikeTheDomParse) {
  using namespace std::string_literals;
  for (std::string b : {"\xEF\xBB\xBF{\"a\":1}"s, "\xEF{\"a\":1}"s, "\xBB\xBF[1]"s,
                        "\xEF\xBB\xBF{\"a\":}"s, "{\"a\":1}\0junk"s, "{\"a\":\"x\0y\"}"s,
                        "\0"s, "\xEF\xBB\xBF"s}) {
    expect_same(b);
  }
}

TEST(JsonCheck, DeepNestingIsRefusedWithoutRunningOutOfStack) {
  // A 1 MiB body of brackets is a million levels; a recursive parser (as
  // before) crashed the hub on it.
  const std::size_t levels = 500'000;
  for (std::string open : {"[", "{\"k\":"}) {
    std::string deep;
    for (std::size_t i = 0; i < levels; ++i) deep += open;
    auto err = check_json_body(deep);
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(err->code, "json.depth");
    EXPECT_EQ(err->http_status, 400);
    // It stops at the first array or object past the limit.
    std::size_t at = max_json_body_depth * open.size();
    EXPECT_NE(err->message.find("(offset " + std::to_string(at) + ")"), std::string::npos) << err->message;
    rapidjson::Document doc;
    auto dom = parse_json_body(deep, doc);
    ASSERT_TRUE(dom.has_value());
    EXPECT_EQ(dom->code, "json.depth");
    auto mapped = via_map_step(deep);
    ASSERT_TRUE(mapped.has_value());
    EXPECT_EQ(mapped->message, err->message);
  }
}

TEST(JsonCheck, NestingUpToTheLimitIsAccepted) {
  std::string ok = std::string(max_json_body_depth, '[') + std::string(max_json_body_depth, ']');
  expect_same(ok);
  EXPECT_FALSE(check_json_body(ok).has_value());
  std::string one_more = "[" + ok + "]";
  EXPECT_EQ(check_json_body(one_more)->code, "json.depth");
}

TEST(JsonCheck, BytesThatAreNotUtf8AreRefusedWhereTheyAre) {
  // A Latin-1 "é" (0xE9) inside a string: RapidJSON's default grammar took
  // it, and the hub accepted the body and forwarded invalid JSON.
  using namespace std::string_literals;
  const std::string pad(37, 'x');  // puts the bad byte past a few 8-byte steps
  for (std::string bad : {"{\"judul\":\"J\xE9lan\"}"s, "{\"" + pad + "\":\"\xC0\xAF\"}",
                          "[\"\xED\xA0\x80\"]"s, "[\"\xF4\x90\x80\x80\"]"s, "\"" + pad + "\xE2\x82\""}) {
    auto err = check_json_body(bad);
    ASSERT_TRUE(err.has_value()) << bad;
    EXPECT_EQ(err->code, "json.malformed");
    EXPECT_EQ(err->http_status, 400);
    EXPECT_NE(err->message.find("Invalid encoding in string"), std::string::npos) << err->message;
    rapidjson::Document doc;
    EXPECT_TRUE(parse_json_body(bad, doc).has_value());
    auto mapped = via_map_step(bad);
    ASSERT_TRUE(mapped.has_value()) << bad;
    EXPECT_EQ(mapped->message, err->message);
  }
  auto err = check_json_body("{\"a\":\"ok\",\n \"judul\":\"J\xE9lan\"}");
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->message.find("line 2, column 12 (offset 22)"), std::string::npos) << err->message;
  EXPECT_FALSE(check_json_body("{\"" + pad + "\":\"J\xC3\xA9rome \xF0\x9F\x98\x80\"}").has_value());
}

}  // namespace
}  // namespace simpul::hub
