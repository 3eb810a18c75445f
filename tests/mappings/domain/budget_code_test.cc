#include "mappings/domain/budget_code.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mappings/formats/json.h"
#include "tests/mappings/formats_domain/test_util.h"

namespace simpul::mappings::domain {
namespace {

void expect_rekening(std::string_view in, std::string_view out) {
  auto r = parse_kode_rekening(in);
  ASSERT_TRUE(r) << in << ": " << r.error().message;
  EXPECT_EQ(r->code, out) << in;
}

void expect_bad_rekening(std::string_view in) {
  auto r = parse_kode_rekening(in);
  ASSERT_FALSE(r) << in << " gave " << r->code;
  EXPECT_EQ(r.error().code, "KODE_REKENING_FORMAT");
}

TEST(BudgetCodeTest, HeaderExamples) {
  expect_rekening("5.1.02.01.01.0024", "5.1.02.01.01.0024");
  expect_rekening(" 5.1.02.03.02.0409 ", "5.1.02.03.02.0409");
  expect_rekening("5.1.02.02.001.00063", "5.1.02.02.01.0063");
  expect_bad_rekening("5.1.2.1.1.24");
  expect_bad_rekening("5.1.02.02.101.0063");
  expect_bad_rekening("5.1.02");
  auto combined = parse_account_code("2.16.03.2.02.0014.5.1.02.02.01.0063");
  ASSERT_TRUE(combined) << combined.error().message;
  EXPECT_EQ(combined->sub_kegiatan.code, "2.16.03.2.02.0014");
  EXPECT_EQ(combined->rekening.code, "5.1.02.02.01.0063");
  auto alone = parse_account_code("5.2.02.10.01.0002");
  ASSERT_TRUE(alone) << alone.error().message;
  EXPECT_EQ(alone->sub_kegiatan.code, "");
  EXPECT_EQ(alone->rekening.code, "5.2.02.10.01.0002");
}

TEST(BudgetCodeTest, LevelsArePrefixes) {
  auto r = parse_kode_rekening("5.1.02.02.001.00063");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->levels, (std::vector<std::string>{"5", "5.1", "5.1.02", "5.1.02.02", "5.1.02.02.01",
                                                 "5.1.02.02.01.0063"}));
  auto s = parse_kode_sub_kegiatan("2.16.03.2.02.0014");
  ASSERT_TRUE(s) << s.error().message;
  // kegiatan spans two segments ("2.02"), so there is no 4-segment level
  EXPECT_EQ(s->levels, (std::vector<std::string>{"2", "2.16", "2.16.03", "2.16.03.2.02", "2.16.03.2.02.0014"}));
}

TEST(BudgetCodeTest, Refusals) {
  expect_bad_rekening("");
  expect_bad_rekening("5.1.02.01.01.0024.");    // empty segment
  expect_bad_rekening("5.1.02.01.01.00A4");     // letter
  expect_bad_rekening("5.1.02.01.01.0024.7");   // 7 segments
  expect_bad_rekening("5,1,02,01,01,0024");     // not dotted
  expect_bad_rekening("5.1.02.01.01.10024");    // the extra digit is not a zero
  auto sub = parse_kode_sub_kegiatan("2.16.3.2.02.0014");
  ASSERT_FALSE(sub);
  EXPECT_EQ(sub.error().code, "KODE_SUB_KEGIATAN_FORMAT");
  auto combined = parse_account_code("2.16.03.2.2.0014.5.1.02.02.01.0063");  // bad kegiatan part
  ASSERT_FALSE(combined);
  EXPECT_EQ(combined.error().code, "KODE_SUB_KEGIATAN_FORMAT");
  auto eleven = parse_account_code("16.03.2.02.0014.5.1.02.02.01.0063");
  ASSERT_FALSE(eleven);
  EXPECT_EQ(eleven.error().code, "KODE_REKENING_FORMAT");
}

// The kode_rekening vectors of the shared budget samples: a string output is
// a kode rekening alone, an object a sub kegiatan + rekening pair, null a
// refusal.
TEST(BudgetCodeTest, SharedVectors) {
  const auto text = test_support::read_text_file(test_support::spbe_dir() +
                                                 "/samples/budget/ebudgeting_edgecases.expected.json");
  if (!text) GTEST_SKIP() << "shared budget vectors not found in " << test_support::spbe_dir();
  auto doc = formats::parse_json(*text);
  ASSERT_TRUE(doc);
  const auto& vectors = (*doc)["kode_rekening"];
  ASSERT_TRUE(vectors.IsArray());
  int checked = 0;
  for (const auto& v : vectors.GetArray()) {
    const std::string in = v["masukan"].GetString();
    SCOPED_TRACE(in);
    const auto r = parse_account_code(in);
    const auto& want = v["keluaran"];
    if (want.IsNull()) {
      ASSERT_FALSE(r) << "accepted as " << r->rekening.code;
      EXPECT_EQ(r.error().code, "KODE_REKENING_FORMAT");
    } else if (want.IsString()) {
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_EQ(r->sub_kegiatan.code, "");
      EXPECT_EQ(r->rekening.code, want.GetString());
    } else {
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_EQ(r->sub_kegiatan.code, want["sub_kegiatan"].GetString());
      EXPECT_EQ(r->rekening.code, want["rekening"].GetString());
    }
    ++checked;
  }
  EXPECT_EQ(checked, 6);
}

}  // namespace
}  // namespace simpul::mappings::domain
