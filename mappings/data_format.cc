#include "mappings/data_format.h"

#include "mappings/formats/csv_reader.h"
#include "mappings/formats/csv_writer.h"
#include "mappings/formats/json.h"
#include "mappings/formats/xml.h"
#include "mappings/jsonata/json.h"

namespace simpul::mappings {

std::expected<data_format::kind, std::string> parse_format_kind(std::string_view name) {
  using k = data_format::kind;
  if (name == "json") return k::json;
  if (name == "xml") return k::xml;
  if (name == "csv") return k::csv;
  if (name == "text") return k::text;
  return std::unexpected("unknown format '" + std::string(name) + "' (expected json, xml, csv or text)");
}

std::string_view content_type_of(data_format::kind k) {
  switch (k) {
    case data_format::kind::xml: return "application/xml";
    case data_format::kind::csv: return "text/csv";
    case data_format::kind::text: return "text/plain";
    case data_format::kind::json: break;
  }
  return "application/json";
}

data_format::kind format_of_extension(std::string_view path, data_format::kind fallback) {
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) return fallback;
  std::string ext;
  for (char c : path.substr(dot + 1)) ext += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (ext == "xml") return data_format::kind::xml;
  if (ext == "csv") return data_format::kind::csv;
  if (ext == "json") return data_format::kind::json;
  if (ext == "txt") return data_format::kind::text;
  return fallback;
}

bool ascii_icontains(std::string_view text, std::string_view needle) {
  if (needle.empty()) return true;
  for (std::size_t i = 0; i + needle.size() <= text.size(); ++i) {
    if (ascii_lower(text[i]) == needle[0] && ascii_iequals(text.substr(i, needle.size()), needle)) {
      return true;
    }
  }
  return false;
}

std::string_view media_type(std::string_view ct) {
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.remove_prefix(1);
  while (!ct.empty() && (ct.back() == ' ' || ct.back() == '\t')) ct.remove_suffix(1);
  return ct;
}

data_format::kind format_of_content_type(std::string_view content_type, data_format::kind fallback) {
  const auto type = media_type(content_type);
  if (ascii_icontains(type, "xml")) return data_format::kind::xml;
  if (ascii_icontains(type, "csv")) return data_format::kind::csv;
  return fallback;
}

formats::format_result<jsonata::value> decode(std::string_view body, const data_format& format) {
  if (format.type == data_format::kind::json || format.type == data_format::kind::text) {
    // XML and CSV check their own input; a JSON or text body that is not
    // UTF-8 became strings that went out as JSON no reader accepts.
    if (const auto at = formats::invalid_utf8_at(body); at != std::string_view::npos) {
      return std::unexpected(formats::utf8_error(
          body, at, format.type == data_format::kind::json ? "json.encoding" : "text.encoding"));
    }
  }
  switch (format.type) {
    case data_format::kind::text: return jsonata::value::string(body);
    case data_format::kind::xml: {
      auto doc = formats::xml_to_json(body);
      if (!doc) return std::unexpected(doc.error());
      return jsonata::from_rapidjson(*doc);
    }
    case data_format::kind::csv: {
      formats::csv_options opts;
      opts.delimiter = format.delimiter;
      opts.has_header = format.has_header;
      opts.skip_rows = format.skip_rows;
      auto doc = formats::read_csv(body, opts);
      if (!doc) return std::unexpected(doc.error());
      return jsonata::from_rapidjson(doc->rows);
    }
    case data_format::kind::json: break;
  }
  auto v = jsonata::parse_json(body);
  if (!v) return formats::make_format_error("json.syntax", v.error());
  return std::move(*v);
}

formats::format_result<std::string> encode(const jsonata::value& v, const data_format& format) {
  std::string json;
  if (format.type == data_format::kind::text && v.is_string()) return std::string(v.as_string());
  json.reserve(512);  // one allocation for a typical record instead of five doublings
  jsonata::write_json(json, v);
  if (format.type == data_format::kind::json || format.type == data_format::kind::text) return json;
  // xml and csv writers work on RapidJSON: go through the JSON text once.
  auto doc = formats::parse_json(json.empty() ? std::string_view("null") : std::string_view(json));
  if (!doc) return std::unexpected(doc.error());
  if (format.type == data_format::kind::xml) {
    formats::xml_write_options opts;
    opts.root_name = format.root;
    return formats::json_to_xml(*doc, opts);
  }
  formats::csv_write_options opts;
  opts.delimiter = format.delimiter == '\0' ? ',' : format.delimiter;
  opts.header = format.has_header;
  if (!doc->IsArray()) {  // one object is one row
    rapidjson::Document rows(rapidjson::kArrayType);
    rapidjson::Value item(*doc, rows.GetAllocator());
    rows.PushBack(item, rows.GetAllocator());
    return formats::write_csv(rows, opts);
  }
  return formats::write_csv(*doc, opts);
}

}  // namespace simpul::mappings
