#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "mappings/formats/format_error.h"

namespace simpul::mappings::formats {

/// XML <-> JSON convention ("Badgerfish-lite", close to xml2js with
/// explicitArray off); the full description and examples are in
/// mappings/formats/README.md.
///  - the document becomes {"<root name>": <root value>};
///  - an element with neither attributes nor child elements is its text
///    ("" when empty);
///  - otherwise an object: attributes as "@name", child elements by name
///    (several siblings with one name -> array, in document order), text
///    (incl. CDATA) as "#text" when it is not whitespace only;
///  - names keep their namespace prefix ("soap:Body", "@xmlns:soap");
///  - comments, processing instructions and the DOCTYPE are dropped.
struct xml_read_options {
  /// Turn "true"/"false" into booleans and canonical numbers ("12", "-3.5",
  /// not "0812") into numbers. Off: identifiers like NIKs must stay strings.
  bool coerce_types = false;
  /// Element names that always become arrays, even with one occurrence, so
  /// a mapping sees the same shape for 1 and for n children.
  std::vector<std::string> always_array;
};

format_result<rapidjson::Document> xml_to_json(std::string_view xml, const xml_read_options& options = {});

struct xml_write_options {
  /// Root element when the JSON is not an object with exactly one
  /// non-array member (e.g. several keys, or a top-level array).
  std::string root_name = "root";
  bool declaration = true;  // <?xml version="1.0" encoding="UTF-8"?>
  bool pretty = false;      // two-space indentation
};

/// Inverse of xml_to_json: arrays -> repeated elements, "@x" -> attribute,
/// "#text" -> text, null -> empty element, numbers/booleans -> their JSON
/// text. Fails ("xml.name") on a key that is not a valid XML name, and on
/// an array directly inside an array or an object used as an attribute.
format_result<std::string> json_to_xml(const rapidjson::Value& json, const xml_write_options& options = {});

}  // namespace simpul::mappings::formats
