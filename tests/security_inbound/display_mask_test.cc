// Personal-data masking where people see data: admin listings
// (mask_for_display) and every log line (the logger's text filter).
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "hub/admin/display_mask.h"

#include "mappings/formats/format_error.h"
#include "monitoring/log.h"
#include "monitoring/log_filter.h"
#include "tests/security/test_util.h"

namespace simpul::hub {
namespace {

TEST(DisplayMask, JsonBodiesAreMaskedByKeysAndDetectors) {
  auto shown = mask_for_display(
      R"({"pelapor":{"nik":"3204015708900001","nama":"Budi Santoso","hp":"081234567890"},)"
      R"("isi":"hubungi budi@example.go.id","jumlah":150000})");
  EXPECT_NE(shown.find("320401**********"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("3204015708900001"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("Budi"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("Santoso"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("1234567890"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("budi@"), std::string::npos) << shown;
  EXPECT_NE(shown.find("150000"), std::string::npos) << "amounts stay visible: " << shown;
}

TEST(DisplayMask, NonJsonBodiesGoThroughTheDetectors) {
  auto shown = mask_for_display("<nik>3204015708900001</nik><email>siti@desa.id</email>");
  EXPECT_EQ(shown.find("3204015708900001"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("siti@"), std::string::npos) << shown;
  EXPECT_NE(shown.find("<nik>"), std::string::npos) << shown;
}

TEST(DisplayMask, APolicyFromConfigReplacesTheDefault) {
  security::masking_policy p;
  p.paths = {"$..kode_rahasia"};
  auto m = security::masker::make(p);
  ASSERT_TRUE(m);
  set_display_policy(std::make_shared<const security::masker>(std::move(*m)));
  auto shown = mask_for_display(R"({"kode_rahasia":"ABCDEF"})");
  set_display_policy(nullptr);
  EXPECT_EQ(shown.find("ABCDEF"), std::string::npos) << shown;
  EXPECT_NE(mask_for_display(R"({"kode_rahasia":"ABCDEF"})").find("ABCDEF"), std::string::npos);
}

TEST(DisplayMask, EveryLogLineIsMaskedOnceTheFilterIsInstalled) {
  security::test::temp_dir dir;
  auto path = dir.file("stderr.log");
  int saved = ::dup(2);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  ::dup2(fd, 2);
  monitoring::set_log_text_filter([](std::string_view t) { return mask_text_for_display(t); });
  monitoring::logger("test").error("mapping failed for NIK 3204015708900001, hp +6281234567890");
  monitoring::set_log_text_filter(nullptr);
  monitoring::logger("test").error("unfiltered 3204015708900001");
  ::dup2(saved, 2);
  ::close(saved);
  ::close(fd);
  auto text = security::test::read_file(path);
  auto first = text.substr(0, text.find('\n'));
  EXPECT_EQ(first.find("3204015708900001"), std::string::npos) << first;
  EXPECT_NE(first.find("320401**********"), std::string::npos) << first;
  EXPECT_EQ(first.find("81234567890"), std::string::npos) << first;
  EXPECT_NE(text.find("unfiltered 3204015708900001"), std::string::npos)
      << "without the filter the text is unchanged";
}

// A body refused because it is not UTF-8 is still shown by `dlq show` (and
// logged): the answer must stay valid JSON, so each bad byte shows as U+FFFD.
TEST(DisplayMask, BytesThatAreNotUtf8ShowAsReplacementCharacters) {
  const std::string replacement = "\xEF\xBF\xBD";
  auto json = mask_for_display("{\"kota\":\"Bandung Jos\xE9\"}");
  EXPECT_EQ(mappings::formats::invalid_utf8_at(json), std::string_view::npos) << json;
  EXPECT_NE(json.find("Jos" + replacement), std::string::npos) << json;
  auto text = mask_text_for_display("caf\xE9 \xC3 ok");
  EXPECT_EQ(text, "caf" + replacement + " " + replacement + " ok");
  EXPECT_EQ(displayable("Bandung \xE2\x80\x94 Jawa Barat"), "Bandung \xE2\x80\x94 Jawa Barat")
      << "valid UTF-8 is unchanged";
  EXPECT_EQ(displayable("\xFF\xFE"), replacement + replacement);
}

}  // namespace
}  // namespace simpul::hub
