#include "connectors/file/record_reader.h"

#include "mappings/formats/csv_reader.h"
#include "mappings/formats/json.h"
#include "mappings/formats/xml.h"

namespace simpul::connectors::file {

namespace fmt = simpul::mappings::formats;

namespace {

void read_ndjson(std::string_view content, record_set& out) {
  int line = 0;
  std::size_t pos = 0;
  while (pos <= content.size()) {
    auto end = content.find('\n', pos);
    if (end == std::string_view::npos) end = content.size();
    ++line;
    std::string_view text = content.substr(pos, end - pos);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (line == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (text.find_first_not_of(" \t") != std::string_view::npos) {
      record r{line, std::string(text), {}};
      if (auto doc = fmt::parse_json(text); !doc) r.error = fmt::to_string(doc.error());
      out.records.push_back(std::move(r));
    }
    pos = end + 1;
  }
}

void read_csv(std::string_view content, const input_settings& s, record_set& out) {
  fmt::csv_options o;
  o.delimiter = s.delimiter;
  o.has_header = s.has_header;
  o.skip_rows = s.skip_rows;
  o.on_bad_row = fmt::bad_row_policy::collect;
  auto reader = fmt::csv_reader::open(content, o);
  if (!reader) {
    out.fatal = fmt::to_string(reader.error());
    return;
  }
  const auto& columns = reader->columns();
  while (true) {
    auto row = reader->next();
    if (!row) {
      out.records.push_back({row.error().line, std::string(reader->last_raw()), fmt::to_string(row.error())});
      if (row.error().code == "csv.unterminated_quote") return;  // the reader cannot go on
      continue;
    }
    if (!*row) return;
    rapidjson::Document obj(rapidjson::kObjectType);
    auto& a = obj.GetAllocator();
    const auto& fields = (*row)->fields;
    for (std::size_t i = 0; i < fields.size() && i < columns.size(); ++i) {
      obj.AddMember(rapidjson::Value(columns[i].c_str(), a), rapidjson::Value(fields[i].c_str(), a), a);
    }
    out.records.push_back({(*row)->line, fmt::write_json(obj), {}});
  }
}

}  // namespace

record_set read_records(std::string_view content, const input_settings& s) {
  record_set out;
  switch (s.format) {
    case record_format::ndjson:
      read_ndjson(content, out);
      break;
    case record_format::csv:
      read_csv(content, s, out);
      break;
    case record_format::json: {
      if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
      if (auto doc = fmt::parse_json(content); !doc) out.fatal = fmt::to_string(doc.error());
      else out.records.push_back({1, std::string(content), {}});
      break;
    }
    case record_format::xml: {
      if (auto doc = fmt::xml_to_json(content); !doc) out.fatal = fmt::to_string(doc.error());
      else out.records.push_back({1, std::string(content), {}});
      break;
    }
    case record_format::raw:
      out.records.push_back({1, std::string(content), {}});
      break;
  }
  return out;
}

}  // namespace simpul::connectors::file
