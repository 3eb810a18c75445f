#include "hub/config/substitute.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "hub/config/yaml_loader.h"
#include "tests/hub/config/test_factories.h"

namespace simpul::config {
namespace {

class Substitute : public ::testing::Test {
 protected:
  void SetUp() override { ::setenv("SIMPUL_TEST_SECRET", "s3cr3t-value", 1); }
  void TearDown() override { ::unsetenv("SIMPUL_TEST_SECRET"); }

  node load(const std::string& yaml) {
    auto root = parse_yaml(yaml, "c.yaml", problems_);
    EXPECT_TRUE(root);
    if (!root) return node{};
    substitute_secrets(*root, dir_.path(), problems_);
    return *root;
  }

  std::string all_problems() const {
    std::string out;
    for (const auto& p : problems_) out += format_problem(p) + "\n";
    return out;
  }

  testing::temp_dir dir_;
  std::vector<problem> problems_;
};

TEST_F(Substitute, WholeAndPartialEnvValuesBecomeSecret) {
  node n = load("a: ${env:SIMPUL_TEST_SECRET}\nb: Bearer ${env:SIMPUL_TEST_SECRET}!\nc: plain\n");
  EXPECT_TRUE(problems_.empty()) << all_problems();
  EXPECT_EQ(n.find("a")->text(), "s3cr3t-value");
  EXPECT_TRUE(n.find("a")->secret());
  EXPECT_EQ(n.find("b")->text(), "Bearer s3cr3t-value!");
  EXPECT_TRUE(n.find("b")->secret());
  EXPECT_EQ(n.find("b")->display(), "<secret>");
  EXPECT_FALSE(n.find("c")->secret());
}

TEST_F(Substitute, FileValuesLoseOneTrailingNewline) {
  dir_.write("secrets/token", "file-token\n");
  node n = load("t: ${file:secrets/token}\nlist: ['x-${file:secrets/token}']\n");
  EXPECT_TRUE(problems_.empty()) << all_problems();
  EXPECT_EQ(n.find("t")->text(), "file-token");
  EXPECT_TRUE(n.find("t")->secret());
  EXPECT_EQ(n.find("list")->items()[0].text(), "x-file-token");
}

TEST_F(Substitute, DoubleDollarEscapesAndIsNotSecret) {
  node n = load("a: cost $${env:NOT_A_REF}\n");
  EXPECT_TRUE(problems_.empty()) << all_problems();
  EXPECT_EQ(n.find("a")->text(), "cost ${env:NOT_A_REF}");
  EXPECT_FALSE(n.find("a")->secret());
}

TEST_F(Substitute, MissingEnvIsReportedAtTheScalar) {
  ::unsetenv("SIMPUL_TEST_UNSET");
  node n = load("outer:\n  key: pre-${env:SIMPUL_TEST_UNSET}\n");
  ASSERT_EQ(problems_.size(), 1u);
  EXPECT_EQ(format_problem(problems_[0]),
            "c.yaml:2:8: outer.key: environment variable 'SIMPUL_TEST_UNSET' is not set");
  EXPECT_TRUE(n.find("outer")->find("key")->secret());
}

TEST_F(Substitute, UnreadableFileIsReportedWithoutOtherSecrets) {
  node n = load("a: ${env:SIMPUL_TEST_SECRET}-${file:nope.txt}\n");
  ASSERT_EQ(problems_.size(), 1u);
  EXPECT_EQ(problems_[0].where.line, 1);
  EXPECT_EQ(problems_[0].where.column, 4);
  EXPECT_NE(problems_[0].message.find("cannot read file"), std::string::npos);
  EXPECT_EQ(all_problems().find("s3cr3t-value"), std::string::npos);
  EXPECT_EQ(n.find("a")->text(), "");
}

TEST_F(Substitute, UnknownAndUnterminatedReferences) {
  load("a: ${vault:x}\nb: ${env:X\n");
  ASSERT_EQ(problems_.size(), 2u);
  EXPECT_EQ(format_problem(problems_[0]),
            "c.yaml:1:4: a: unknown substitution '${vault:x}' (expected ${env:NAME} or "
            "${file:PATH})");
  EXPECT_EQ(problems_[1].where.line, 2);
  EXPECT_NE(problems_[1].message.find("unterminated"), std::string::npos);
}

TEST_F(Substitute, KeysAreNotSubstituted) {
  node n = load("${env:SIMPUL_TEST_SECRET}: 1\n");
  EXPECT_TRUE(problems_.empty());
  EXPECT_EQ(n.entries()[0].key, "${env:SIMPUL_TEST_SECRET}");
}

}  // namespace
}  // namespace simpul::config
