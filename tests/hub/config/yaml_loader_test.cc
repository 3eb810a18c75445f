#include "hub/config/yaml_loader.h"

#include <gtest/gtest.h>

#include "tests/hub/config/test_factories.h"

namespace simpul::config {
namespace {

TEST(ParseYaml, KeysAndValuesCarryOneBasedPositions) {
  std::vector<problem> problems;
  auto root = parse_yaml("hub:\n  name: demo\n  threads: 4\nlist:\n  - a\n  - {k: v}\n", "x.yaml",
                         problems);
  ASSERT_TRUE(root);
  ASSERT_TRUE(problems.empty());
  ASSERT_TRUE(root->is_map());
  const auto& hub_entry = root->entries()[0];
  EXPECT_EQ(hub_entry.key, "hub");
  EXPECT_EQ(hub_entry.key_mark.line, 1);
  EXPECT_EQ(hub_entry.key_mark.column, 1);
  const auto& name_entry = hub_entry.value.entries()[0];
  EXPECT_EQ(name_entry.key_mark.file, "x.yaml");
  EXPECT_EQ(name_entry.key_mark.line, 2);
  EXPECT_EQ(name_entry.key_mark.column, 3);
  EXPECT_EQ(name_entry.value.text(), "demo");
  EXPECT_EQ(name_entry.value.where().line, 2);
  EXPECT_EQ(name_entry.value.where().column, 9);
  const node* list = root->find("list");
  ASSERT_TRUE(list && list->is_sequence());
  ASSERT_EQ(list->items().size(), 2u);
  EXPECT_EQ(list->items()[1].where().line, 6);
  EXPECT_EQ(list->items()[1].where().column, 5);
  EXPECT_EQ(list->items()[1].find("k")->where().column, 9);
}

TEST(ParseYaml, NullsQuotedScalarsAndAliases) {
  std::vector<problem> problems;
  auto root = parse_yaml("a: ~\nb:\nc: 'null'\nbase: &b {x: 1}\ncopy: *b\n", "x.yaml", problems);
  ASSERT_TRUE(root);
  EXPECT_TRUE(problems.empty());
  EXPECT_TRUE(root->find("a")->is_null());
  EXPECT_TRUE(root->find("b")->is_null());
  EXPECT_EQ(root->find("c")->text(), "null");
  ASSERT_TRUE(root->find("copy")->is_map());
  EXPECT_EQ(root->find("copy")->get_int("x"), 1);
}

TEST(ParseYaml, DuplicateKeysAreReportedAndTheFirstWins) {
  std::vector<problem> problems;
  auto root = parse_yaml("a: 1\nb: 2\na: 3\n", "x.yaml", problems);
  ASSERT_TRUE(root);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(format_problem(problems[0]),
            "x.yaml:3:1: yaml: duplicate key 'a' (first defined at line 1)");
  EXPECT_EQ(root->get_int("a"), 1);
  EXPECT_EQ(root->entries().size(), 2u);
}

TEST(ParseYaml, SyntaxErrorsNameFileLineAndColumn) {
  std::vector<problem> problems;
  auto root = parse_yaml("hub:\n  name: [unclosed\n  threads: 2\n", "bad.yaml", problems);
  EXPECT_FALSE(root);
  ASSERT_EQ(problems.size(), 1u);
  auto text = format_problem(problems[0]);
  EXPECT_TRUE(text.starts_with("bad.yaml:")) << text;
  EXPECT_NE(text.find(": yaml: "), std::string::npos) << text;
  EXPECT_GT(problems[0].where.line, 1);
  EXPECT_GT(problems[0].where.column, 0);
}

TEST(ParseYaml, ComplexKeysAreRejected) {
  std::vector<problem> problems;
  auto root = parse_yaml("? [a, b]\n: 1\nok: 2\n", "x.yaml", problems);
  ASSERT_TRUE(root);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].where.line, 1);
  EXPECT_EQ(problems[0].where.column, 3);
  EXPECT_EQ(root->get_int("ok"), 2);
}

TEST(ParseYaml, ASecondDocumentIsAProblem) {
  std::vector<problem> problems;
  auto root = parse_yaml("a: 1\n---\nb: 2\n", "x.yaml", problems);
  ASSERT_TRUE(root);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].where.line, 3);
}

TEST(ParseYaml, EmptyTextIsNull) {
  std::vector<problem> problems;
  auto root = parse_yaml("", "x.yaml", problems);
  ASSERT_TRUE(root);
  EXPECT_TRUE(root->is_null());
  EXPECT_TRUE(problems.empty());
}

TEST(LoadYamlFile, MissingFileIsAProblem) {
  testing::temp_dir dir;
  std::vector<problem> problems;
  auto root = load_yaml_file(dir.path() / "none.yaml", problems);
  EXPECT_FALSE(root);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(format_problem(problems[0]).find("none.yaml: file: cannot open"), std::string::npos);
}

}  // namespace
}  // namespace simpul::config
