#include "mappings/formats/xml.h"

#include <chrono>

#include <gtest/gtest.h>

#include "mappings/formats/json.h"
#include "tests/mappings/formats_domain/test_util.h"

namespace simpul::mappings::formats {
namespace {

std::string to_json_text(std::string_view xml, const xml_read_options& o = {}) {
  auto doc = xml_to_json(xml, o);
  EXPECT_TRUE(doc) << to_string(doc.error());
  return doc ? write_json(*doc) : std::string();
}

TEST(XmlToJsonTest, TextOnlyElementsBecomeStrings) {
  EXPECT_EQ(to_json_text("<a><b>x</b><c/><d>  </d></a>"), R"({"a":{"b":"x","c":"","d":""}})");
}

TEST(XmlToJsonTest, AttributesTextAndRepeatedSiblings) {
  EXPECT_EQ(to_json_text(R"(<r v="1"><k kode="INF-02">Jalan</k><f n="a"/><f n="b"/><x>1</x></r>)"),
            R"({"r":{"@v":"1","k":{"@kode":"INF-02","#text":"Jalan"},"f":[{"@n":"a"},{"@n":"b"}],"x":"1"}})");
}

TEST(XmlToJsonTest, MixedContentKeepsTextUnderHashText) {
  EXPECT_EQ(to_json_text("<p>Hello <b>world</b>!</p>"), R"({"p":{"#text":"Hello !","b":"world"}})");
}

TEST(XmlToJsonTest, CdataEscapesAndNamespacePrefixes) {
  EXPECT_EQ(to_json_text(R"(<s:E xmlns:s="urn:x"><s:B><![CDATA[a < b & "c"]]></s:B><t>&amp;&lt;&#x41;</t></s:E>)"),
            R"({"s:E":{"@xmlns:s":"urn:x","s:B":"a < b & \"c\"","t":"&<A"}})");
}

TEST(XmlToJsonTest, CoercionIsOffByDefaultAndKeepsLeadingZeros) {
  const char* xml = "<r><n>12</n><p>0812</p><f>-3.5</f><b>true</b><e>1e3</e></r>";
  EXPECT_EQ(to_json_text(xml), R"({"r":{"n":"12","p":"0812","f":"-3.5","b":"true","e":"1e3"}})");
  xml_read_options o;
  o.coerce_types = true;
  EXPECT_EQ(to_json_text(xml, o), R"({"r":{"n":12,"p":"0812","f":-3.5,"b":true,"e":1000.0}})");
}

TEST(XmlToJsonTest, AlwaysArrayGivesOneShapeForOneAndMany) {
  xml_read_options o;
  o.always_array = {"file"};
  EXPECT_EQ(to_json_text(R"(<l><file n="a"/></l>)", o), R"({"l":{"file":[{"@n":"a"}]}})");
}

TEST(XmlToJsonTest, SyntaxErrorsHaveLineAndColumn) {
  auto doc = xml_to_json("<a>\n  <b>x</c>\n</a>");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, "xml.syntax");
  EXPECT_EQ(doc.error().line, 2);
  EXPECT_GT(doc.error().column, 1);
  EXPECT_FALSE(doc.error().message.empty());
  auto none = xml_to_json("<!-- only a comment -->");
  ASSERT_FALSE(none);
  auto two = xml_to_json("<a/>\n<b/>");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().line, 2);
}

TEST(XmlToJsonTest, DeepNestingIsRefused) {
  std::string xml;
  for (int i = 0; i < 500; ++i) xml += "<a>";
  for (int i = 0; i < 500; ++i) xml += "</a>";
  auto doc = xml_to_json(xml);
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, "xml.depth");
}

TEST(XmlToJsonTest, ManyDifferentlyNamedChildrenAreReadInLinearTime) {
  // A 2 MB body of 200,000 children with distinct names: grouping them by a
  // scan over the groups so far took 2e10 comparisons (~0.1 s now; a return
  // to that would show as this test's ctest timeout).
  constexpr int n = 200'000;
  std::string xml = "<r>";
  for (int i = 0; i < n; ++i) xml += "<e" + std::to_string(i) + "/>";
  xml += "<e7>again</e7></r>";
  auto doc = xml_to_json(xml);
  ASSERT_TRUE(doc) << to_string(doc.error());
  const auto& r = (*doc)["r"];
  ASSERT_EQ(r.MemberCount(), static_cast<rapidjson::SizeType>(n));
  EXPECT_EQ(write_json(r["e7"]), R"(["","again"])");  // a late sibling joins its first group
  EXPECT_EQ(std::string(r.MemberBegin()->name.GetString()), "e0");  // order of first appearance
}

TEST(XmlToJsonTest, BytesThatAreNotUtf8AreRefusedWithTheirPosition) {
  // A Latin-1 export: "Jalan Pahlawan" then 0xE9 ('é' in ISO-8859-1).
  auto doc = xml_to_json("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<r>\n  <a>Caf\xE9</a>\n</r>");
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, "xml.encoding");
  EXPECT_EQ(doc.error().line, 3);
  EXPECT_EQ(doc.error().column, 9);
  EXPECT_NE(doc.error().message.find("0xE9"), std::string::npos) << doc.error().message;
  // Overlong forms, surrogates and a truncated sequence are not UTF-8 either.
  for (const char* bad : {"<r>\xC0\xAF</r>", "<r>\xED\xA0\x80</r>", "<r>\xF4\x90\x80\x80</r>", "<r>\xE2\x82</r>"}) {
    auto d = xml_to_json(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_EQ(d.error().code, "xml.encoding") << bad;
  }
  EXPECT_EQ(to_json_text("<r>Caf\xC3\xA9 \xF0\x9F\x98\x80</r>"), "{\"r\":\"Caf\xC3\xA9 \xF0\x9F\x98\x80\"}");
}

TEST(XmlToJsonTest, ReferencesPugixmlWouldDecodeWronglyAreRefused) {
  struct probe {
    const char* xml;
    int line, column;
  };
  // &#0; cut the text short ("abc"), &#xD800; and &#x110000; became bytes
  // that are not UTF-8, &#4294967361; wrapped around to "A", and &e; (from
  // the DTD) stayed as literal text.
  for (const auto& p : {probe{"<r>abc&#0;def</r>", 1, 7}, probe{"<r>\n x&#xD800;</r>", 2, 3},
                        probe{"<r>&#x110000;</r>", 1, 4}, probe{"<r>&#4294967361;</r>", 1, 4},
                        probe{"<r><a b=\"1&#1;\"/></r>", 1, 5},
                        probe{"<!DOCTYPE r [<!ENTITY e \"boom\">]>\n<r>&e;</r>", 2, 4}}) {
    auto doc = xml_to_json(p.xml);
    ASSERT_FALSE(doc) << p.xml;
    EXPECT_EQ(doc.error().code, "xml.reference") << p.xml;
    EXPECT_EQ(doc.error().line, p.line) << p.xml;
    EXPECT_EQ(doc.error().column, p.column) << p.xml;
  }
  // What stays as it was: the predefined entities, allowed characters, a '&'
  // that starts no reference, and anything inside CDATA or the DOCTYPE.
  EXPECT_EQ(to_json_text("<!DOCTYPE r [<!ENTITY e \"&#0;\">]><r a=\"&quot;&#66;\">&amp;&lt;&gt;&apos;&#65;&#x1F600; "
                         "A &amp B &#; <![CDATA[&#0;&e;]]></r>"),
            "{\"r\":{\"@a\":\"\\\"B\",\"#text\":\"&<>'A\xF0\x9F\x98\x80 A &amp B &#; &#0;&e;\"}}");
}

TEST(JsonToXmlTest, SingleKeyBecomesRootAndEscapes) {
  auto json = parse_json(R"({"r":{"@id":"a\"<","t":"x & y < z","n":[1,2],"e":null,"b":false}})");
  ASSERT_TRUE(json);
  xml_write_options o;
  o.declaration = false;
  auto xml = json_to_xml(*json, o);
  ASSERT_TRUE(xml) << to_string(xml.error());
  EXPECT_EQ(*xml, "<r id=\"a&quot;&lt;\"><t>x &amp; y &lt; z</t><n>1</n><n>2</n><e/><b>false</b></r>");
}

TEST(JsonToXmlTest, SeveralKeysUseTheConfiguredRoot) {
  auto json = parse_json(R"({"a":"1","b":"2"})");
  ASSERT_TRUE(json);
  xml_write_options o;
  o.root_name = "data";
  auto xml = json_to_xml(*json, o);
  ASSERT_TRUE(xml);
  EXPECT_EQ(*xml, "<?xml version=\"1.0\"?><data><a>1</a><b>2</b></data>");
}

TEST(JsonToXmlTest, InvalidNamesAndShapesAreErrors) {
  auto bad_name = parse_json(R"({"r":{"first name":"x"}})");
  ASSERT_TRUE(bad_name);
  auto e1 = json_to_xml(*bad_name);
  ASSERT_FALSE(e1);
  EXPECT_EQ(e1.error().code, "xml.name");
  auto nested = parse_json(R"({"r":{"a":[[1]]}})");
  auto e2 = json_to_xml(*nested);
  ASSERT_FALSE(e2);
  EXPECT_EQ(e2.error().code, "xml.nested_array");
  auto attr = parse_json(R"({"r":{"@a":{"x":1}}})");
  auto e3 = json_to_xml(*attr);
  ASSERT_FALSE(e3);
  EXPECT_EQ(e3.error().code, "xml.attribute");
  auto ctrl = parse_json(R"({"r":"bell\u0007"})");
  auto e4 = json_to_xml(*ctrl);
  ASSERT_FALSE(e4);
  EXPECT_EQ(e4.error().code, "xml.char");
}

void expect_round_trip(std::string_view xml) {
  auto json = xml_to_json(xml);
  ASSERT_TRUE(json) << to_string(json.error());
  auto back = json_to_xml(*json);
  ASSERT_TRUE(back) << to_string(back.error());
  auto again = xml_to_json(*back);
  ASSERT_TRUE(again) << to_string(again.error());
  EXPECT_EQ(write_json(*again), write_json(*json)) << *back;
}

TEST(XmlRoundTripTest, ConventionIsStableBothWays) {
  expect_round_trip(R"(<r a="1"><x>t</x><y/><z q="2">v</z><w>1</w><w>2</w><s:n xmlns:s="u">é &amp;</s:n></r>)");
  expect_round_trip("<r><deep><er><est k=\"v\"><![CDATA[<raw>]]></est></er></deep></r>");
}

TEST(XmlRoundTripTest, PrettyOutputReadsBackTheSame) {
  auto json = xml_to_json(R"(<r a="1"><x>t</x><w>1</w><w>2</w><m q="v">text</m></r>)");
  ASSERT_TRUE(json);
  xml_write_options o;
  o.pretty = true;
  auto xml = json_to_xml(*json, o);
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->find("\n  <x>t</x>\n"), std::string::npos) << *xml;
  auto back = xml_to_json(*xml);
  ASSERT_TRUE(back);
  EXPECT_EQ(write_json(*back), write_json(*json));
}

TEST(XmlRoundTripTest, LegacyComplaintExport) {
  const std::string path = test_support::spbe_dir() + "/samples/complaint/legacy_complaint.xml";
  const auto text = test_support::read_text_file(path);
  if (!text) GTEST_SKIP() << "shared SPBE sample not found at " << path;
  auto json = xml_to_json(*text);
  ASSERT_TRUE(json) << to_string(json.error());
  const auto& root = (*json)["ekspor_pengaduan"];
  EXPECT_STREQ(root["@aplikasi"].GetString(), "SIPAKAR");
  ASSERT_TRUE(root["pengaduan"].IsArray());
  ASSERT_EQ(root["pengaduan"].Size(), 3u);
  const auto& first = root["pengaduan"][0];
  EXPECT_STREQ(first["pelapor"]["nik_pelapor"].GetString(), "3374036708929903");
  EXPECT_STREQ(first["kategori"]["@kode"].GetString(), "INF-02");
  EXPECT_STREQ(first["alamat_kejadian"].GetString(), "Jl. Kemijen Raya (depan SD), RT 004 RW 002 & gang sebelahnya");
  EXPECT_STREQ(first["lampiran"]["file"][1]["@ukuran"].GetString(), "987.654");
  EXPECT_STREQ(root["pengaduan"][1]["pelapor"]["email"].GetString(), "");
  expect_round_trip(*text);
}

}  // namespace
}  // namespace simpul::mappings::formats
