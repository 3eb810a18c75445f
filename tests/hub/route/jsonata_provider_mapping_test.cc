#include "hub/route/jsonata_provider.h"

#include <gtest/gtest.h>

#include "tests/mappings/mapping_test_dir.h"

namespace simpul::hub {
namespace {

message make_message(std::string body, std::string content_type) {
  message m;
  m.id = "01JTESTMAPPING0000000000000";
  m.route = "lapor";
  m.body = std::move(body);
  m.content_type = std::move(content_type);
  m.attributes.emplace_back("sumber", "kabupaten");
  return m;
}

TEST(JsonataProviderMapping, LoadsAndAppliesAMappingFile) {
  simpul::testing::temp_dir dir;
  auto file = dir.write("maps/lapor.yaml", R"y(name: lapor_to_national
input: {format: xml}
expression: |
  {"id": pengaduan.no_tiket, "hp": $phoneToE164(pengaduan.hp), "route": $route,
   "sumber": $attributes.sumber, "msg": $id}
)y");
  jsonata_provider provider;
  config::mapping_ref ref{"lapor", file, {}};
  auto t = provider.load_mapping(ref);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ((*t)->name(), "lapor_to_national");
  auto out = (*t)->apply(make_message(
      "<pengaduan><no_tiket>A1</no_tiket><hp>0812-2000-4417</hp></pengaduan>", "application/xml"));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->content_type, "application/json");
  EXPECT_EQ(out->body,
            R"({"id":"A1","hp":"+6281220004417","route":"lapor","sumber":"kabupaten",)"
            R"("msg":"01JTESTMAPPING0000000000000"})");

  auto bad = (*t)->apply(make_message("<pengaduan><hp>0812</hp></pengaduan>", "application/xml"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "map.error");
  EXPECT_EQ(bad.error().http_status, 422);
  EXPECT_EQ(bad.error().message.rfind("lapor_to_national: TELEPON_FORMAT", 0), 0u) << bad.error().message;

  auto malformed = (*t)->apply(make_message("<pengaduan>", "application/xml"));
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, "map.error");
}

TEST(JsonataProviderMapping, LoadErrorNamesTheMappingAndPosition) {
  simpul::testing::temp_dir dir;
  auto file = dir.write("bad.yaml", "expression: 'a +* b'\n");
  jsonata_provider provider;
  auto t = provider.load_mapping(config::mapping_ref{"bad", file, {}});
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message.find("mapping 'bad': " + file.string() + ":1:"), std::string::npos)
      << t.error().message;
}

}  // namespace
}  // namespace simpul::hub
