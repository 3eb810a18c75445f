#include "mappings/jsonata/batch.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace simpul::mappings::jsonata {
namespace {

std::vector<std::string> lines_of(const std::string& requests) {
  std::istringstream in(requests);
  std::ostringstream out;
  EXPECT_EQ(run_batch(in, out), 0);
  std::vector<std::string> lines;
  std::istringstream res(out.str());
  for (std::string l; std::getline(res, l);) lines.push_back(l);
  return lines;
}

TEST(Batch, AnswersEachRequestOnItsOwnLine) {
  auto lines = lines_of(
      R"({"id":"a","expr":"x + 1","data":{"x":1},"bindings":{}})"
      "\n"
      R"({"id":"b","expr":"nothing","data":null,"bindings":{}})"
      "\n\n"
      R"({"id":"c","expr":"$v & $","bindings":{"v":"p"}})"
      "\n"
      R"({"id":"d","expr":"1 +","bindings":{}})"
      "\n"
      R"({"id":"e","expr":"function(){1}","bindings":{}})"
      "\n");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], R"({"id":"a","result":2})");
  EXPECT_EQ(lines[1], R"({"id":"b","undefined":true})");
  EXPECT_EQ(lines[2], R"({"id":"c","result":"p"})");
  EXPECT_NE(lines[3].find(R"("code":"S0207")"), std::string::npos);
  EXPECT_EQ(lines[4], R"({"id":"e","result":{"$function":true}})");
}

TEST(Batch, AppliesDepthAndTimeLimits) {
  auto lines = lines_of(
      R"j({"id":"r","expr":"($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100))","bindings":{},"depth":50})j"
      "\n"
      R"j({"id":"t","expr":"($f := function(){ $f() }; $f())","bindings":{},"timelimit":50})j"
      "\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find(R"("code":"U1001")"), std::string::npos);
  EXPECT_NE(lines[1].find(R"("code":"U1001")"), std::string::npos);
}

TEST(Batch, UnparsableRequestGetsNullId) {
  auto lines = lines_of("{not json\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind(R"({"id":null,"error":{"code":null)", 0), 0u);
}

}  // namespace
}  // namespace simpul::mappings::jsonata
