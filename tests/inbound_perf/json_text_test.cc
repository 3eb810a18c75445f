#include "hub/route/json_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace simpul::hub {
namespace {

// check_json_body must give exactly the verdict and message of the DOM parse
// it replaces on the ingest path.
void expect_same(const std::string& body) {
  rapidjson::Document doc;
  auto dom = parse_json_body(body, doc);
  auto sax = check_json_body(body);
  ASSERT_EQ(dom.has_value(), sax.has_value()) << "body: " << body;
  if (dom) {
    EXPECT_EQ(dom->code, sax->code);
    EXPECT_EQ(dom->message, sax->message) << "body: " << body;
    EXPECT_EQ(dom->http_status, sax->http_status);
  }
}

TEST(JsonCheck, AgreesWithTheDomParseOnValidBodies) {
  std::string pad(5000, 'x');
  for (std::string b : {std::string(R"({"a":1})"), std::string(R"([1,2.5e3,-0,true,false,null])"),
                        std::string("  {\"nested\":{\"k\":[{},[]]}}  \n"),
                        "{\"pad\":\"" + pad + "\"}", std::string(R"("just a string")"),
                        std::string(R"({"esc":"a\"b\\c\u00e9\n\t"})"),
                        std::string("{\"utf8\":\"J\xC3\xA9rome \xE2\x82\xAC\"}"), std::string("42")}) {
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

}  // namespace
}  // namespace simpul::hub
