// Runs every example of docs/mappings.md's function table through a mapping
// file, so the documentation cannot drift from the functions.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "mappings/jsonata/json.h"
#include "mappings/mapping_file.h"
#include "tests/mappings/mapping_test_dir.h"

namespace simpul::mappings {
namespace {

struct doc_example {
  std::string expression;
  std::string result;  // JSON text, or empty for undefined
};

// Rows "| `expr` | `result` |" between the function-examples markers.
std::vector<doc_example> read_doc_examples() {
  std::ifstream in(std::string(SIMPUL_SOURCE_DIR) + "/docs/mappings.md");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto begin = text.find("<!-- function-examples -->");
  auto end = text.find("<!-- /function-examples -->");
  std::vector<doc_example> out;
  if (begin == std::string::npos || end == std::string::npos) return out;
  std::string_view table(text.data() + begin, end - begin);
  std::size_t pos = 0;
  while (pos < table.size()) {
    auto nl = table.find('\n', pos);
    std::string_view line = table.substr(pos, nl == std::string_view::npos ? table.npos : nl - pos);
    pos = nl == std::string_view::npos ? table.size() : nl + 1;
    if (!line.starts_with("| `")) continue;
    auto e1 = line.find("` |", 3);
    if (e1 == std::string_view::npos) continue;
    doc_example ex{std::string(line.substr(3, e1 - 3)), {}};
    auto rest = line.substr(e1 + 3);
    auto r0 = rest.find('`');
    if (r0 != std::string_view::npos) {
      auto r1 = rest.find('`', r0 + 1);
      ex.result = std::string(rest.substr(r0 + 1, r1 - r0 - 1));
    }
    out.push_back(std::move(ex));
  }
  return out;
}

std::string single_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

TEST(MappingFunctions, DocumentedExamplesHold) {
  auto examples = read_doc_examples();
  ASSERT_GE(examples.size(), 20u) << "docs/mappings.md function table not found";
  simpul::testing::temp_dir dir;
  dir.write("kategori.csv", "kode_lama,kode_nasional\nINF-02,JALAN\n");
  std::string yaml = "lookups:\n  kategori: {file: kategori.csv, key: kode_lama, value: kode_nasional}\nfields:\n";
  for (std::size_t i = 0; i < examples.size(); ++i) {
    yaml += "  e" + std::to_string(i) + ": " + single_quoted(examples[i].expression) + "\n";
  }
  auto m = mapping_file::load(dir.write("doc.yaml", yaml));
  ASSERT_TRUE(m) << to_string(m.error());
  auto got = (*m)->evaluate(jsonata::value{});
  ASSERT_TRUE(got) << to_string(got.error());
  for (std::size_t i = 0; i < examples.size(); ++i) {
    const auto* v = got->get("e" + std::to_string(i));
    std::string actual;
    if (v) jsonata::write_json(actual, *v);
    std::string expected;
    if (!examples[i].result.empty()) {
      auto parsed = jsonata::parse_json(examples[i].result);
      ASSERT_TRUE(parsed) << examples[i].result;
      jsonata::write_json(expected, *parsed);
    }
    EXPECT_EQ(actual, expected) << examples[i].expression;
  }
}

TEST(MappingFunctions, RefusedValuesRaiseTheDomainCode) {
  simpul::testing::temp_dir dir;
  struct c {
    const char* expr;
    const char* code;
  };
  for (auto [expr, code] : {c{"$nikParse('337403050388990')", "NIK_FORMAT"},
                            c{"$nipParse('199011052015133011')", "NIP_TMT"},
                            c{"$rupiahToDecimal('12.5')", "RUPIAH_FORMAT"},
                            c{"$phoneToE164('+65 9123 4567')", "TELEPON_BUKAN_INDONESIA"},
                            c{"$regionNormalize('32.4.5')", "WILAYAH_FORMAT"},
                            c{"$lookup('nope', 'x')", "LOOKUP_TABLE"}}) {
    auto m = mapping_file::load(dir.write("e.yaml", std::string("expression: ") + single_quoted(expr) + "\n"));
    ASSERT_TRUE(m) << to_string(m.error());
    auto r = (*m)->evaluate(jsonata::value{});
    ASSERT_FALSE(r) << expr;
    EXPECT_EQ(r.error().code, code) << expr;
  }
}

TEST(MappingFunctions, UndefinedInGivesUndefinedOut) {
  simpul::testing::temp_dir dir;
  auto m = mapping_file::load(dir.write("u.yaml", "expression: '[$idDateToIso(x), $maskNik(x), $nikValid(x)]'\n"));
  ASSERT_TRUE(m) << to_string(m.error());
  auto r = (*m)->evaluate(jsonata::value::new_object());
  ASSERT_TRUE(r) << to_string(r.error());
  std::string s;
  jsonata::write_json(s, *r);
  EXPECT_EQ(s, "[]");
}

}  // namespace
}  // namespace simpul::mappings
