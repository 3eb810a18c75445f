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

// Bindings are built only for the variables a mapping names: the ones it
// names must still arrive wherever they are named, also through $eval.
TEST(JsonataProviderMapping, VariablesAreBoundWhereverTheMappingReadsThem) {
  simpul::testing::temp_dir dir;
  auto file = dir.write("maps/vars.yaml", R"y(name: vars
input: {format: json}
fields:
  plain: a
  via_lambda: function($k){ $lookup($headers, $k) }("x-kanal")
  via_eval: $eval("$attributes.sumber")
)y");
  jsonata_provider provider;
  auto t = provider.load_mapping(config::mapping_ref{"vars", file, {}});
  ASSERT_TRUE(t) << t.error().message;
  auto msg = make_message(R"({"a":1})", "application/json");
  msg.headers.add("x-kanal", "sms");
  auto out = (*t)->apply(msg);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->body, R"({"plain":1,"via_lambda":"sms","via_eval":"kabupaten"})");
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

namespace simpul::hub {
namespace {

// `when`, `filter` and `split` read XML and CSV bodies the way mapping files
// do, instead of seeing the raw text as one string.
TEST(JsonataProviderConditions, ReadXmlAndCsvBodies) {
  jsonata_provider provider;
  auto split = provider.compile(
      "ekspor.item.{\"n\": $number(`@n`), \"app\": $$.ekspor.`@app`}");
  ASSERT_TRUE(split) << split.error().message;
  auto parts = (*split)->elements(make_message(
      R"(<ekspor app="SIMADU"><item n="1"/><item n="2"/></ekspor>)", "application/xml"));
  ASSERT_TRUE(parts) << parts.error().message;
  EXPECT_EQ(*parts, (std::vector<std::string>{R"({"n":1,"app":"SIMADU"})", R"({"n":2,"app":"SIMADU"})"}));

  auto when = provider.compile("status = 'BARU'");
  ASSERT_TRUE(when) << when.error().message;
  auto yes = (*when)->test(make_message("<p><status>BARU</status></p>", "text/xml; charset=utf-8"));
  ASSERT_TRUE(yes) << yes.error().message;
  EXPECT_FALSE(*yes);  // the root element is `p`: `status` alone is not there
  auto nested = provider.compile("p.status = 'BARU'");
  ASSERT_TRUE(nested);
  auto hit = (*nested)->test(make_message("<p><status>BARU</status></p>", "text/xml; charset=utf-8"));
  ASSERT_TRUE(hit) << hit.error().message;
  EXPECT_TRUE(*hit);

  auto rows = provider.compile("$count($[$number(jumlah) > 1])");  // CSV fields are strings
  ASSERT_TRUE(rows);
  auto csv_parts = (*rows)->elements(make_message("nama,jumlah\na,1\nb,2\nc,3\n", "text/csv"));
  ASSERT_TRUE(csv_parts) << csv_parts.error().message;
  EXPECT_EQ(*csv_parts, std::vector<std::string>{"2"});

  auto broken = (*nested)->test(make_message("<p><status>BARU</p>", "application/xml"));
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().http_status, 400);
  EXPECT_NE(broken.error().message.find("line 1"), std::string::npos) << broken.error().message;
}

}  // namespace
}  // namespace simpul::hub

namespace simpul::hub {
namespace {

TEST(JsonataProviderConditions, TypeMismatchNamesBothValues) {
  jsonata_provider provider;
  auto e = provider.compile("a > 1");
  ASSERT_TRUE(e);
  auto r = (*e)->test(make_message(R"({"a":"2"})", "application/json"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(R"(The values "2" and 1 either side of operator > )"), std::string::npos)
      << r.error().message;
}

}  // namespace
}  // namespace simpul::hub
