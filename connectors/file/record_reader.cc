#include "connectors/file/record_reader.h"

#include <algorithm>

#include "mappings/formats/csv_reader.h"
#include "mappings/formats/json.h"
#include "mappings/formats/xml.h"
#include "monitoring/json_escape.h"

namespace simpul::connectors::file {

namespace fmt = simpul::mappings::formats;

namespace {

void read_ndjson(std::string_view content, const record_sink& sink) {
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
      if (!sink(std::move(r))) return;
    }
    pos = end + 1;
  }
}

std::string read_csv(std::string_view content, const input_settings& s, const record_sink& sink) {
  fmt::csv_options o;
  o.delimiter = s.delimiter;
  o.has_header = s.has_header;
  o.skip_rows = s.skip_rows;
  o.on_bad_row = fmt::bad_row_policy::collect;
  auto reader = fmt::csv_reader::open(content, o);
  if (!reader) return fmt::to_string(reader.error());
  // Each row becomes one JSON object keyed by the header, written directly
  // (no DOM per row): the keys are escaped once.
  std::vector<std::string> keys;
  std::size_t keys_bytes = 0;
  for (const auto& c : reader->columns()) {
    std::string k;
    monitoring::append_json_string(k, c);
    k += ':';
    keys_bytes += k.size() + 1;
    keys.push_back(std::move(k));
  }
  while (true) {
    auto row = reader->next();
    if (!row) {
      if (!sink({row.error().line, std::string(reader->last_raw()), fmt::to_string(row.error())})) return {};
      if (row.error().code == "csv.unterminated_quote") return {};  // the reader cannot go on
      continue;
    }
    if (!*row) return {};
    const auto& fields = (*row)->fields;
    std::string body;
    std::size_t need = keys_bytes + 2;
    for (const auto& f : fields) need += f.size() + 2;
    body.reserve(need);
    body += '{';
    for (std::size_t i = 0; i < fields.size() && i < keys.size(); ++i) {
      if (i) body += ',';
      body += keys[i];
      monitoring::append_json_string(body, fields[i]);
    }
    body += '}';
    if (!sink({(*row)->line, std::move(body), {}})) return {};
  }
}

}  // namespace

std::string read_records(std::string_view content, const input_settings& s, const record_sink& sink) {
  switch (s.format) {
    case record_format::ndjson:
      read_ndjson(content, sink);
      return {};
    case record_format::csv:
      return read_csv(content, s, sink);
    case record_format::json: {
      if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
      if (auto doc = fmt::parse_json(content); !doc) return fmt::to_string(doc.error());
      sink({1, std::string(content), {}});
      return {};
    }
    case record_format::xml: {
      if (auto doc = fmt::xml_to_json(content); !doc) return fmt::to_string(doc.error());
      sink({1, std::string(content), {}});
      return {};
    }
    case record_format::raw:
      sink({1, std::string(content), {}});
      return {};
  }
  return {};
}

record_set read_records(std::string_view content, const input_settings& s) {
  record_set out;
  out.fatal = read_records(content, s, [&out](record&& r) {
    out.records.push_back(std::move(r));
    return true;
  });
  return out;
}

std::size_t max_records(std::string_view content, const input_settings& s) {
  if (s.format != record_format::csv && s.format != record_format::ndjson) return 1;
  // Every CSV row and NDJSON record ends a line (the last one may lack its
  // line end). A line ends at LF, CRLF or a lone CR as in the CSV reader:
  // counting LFs only made a file with classic-Mac CR line ends "one line",
  // and the reader stopped after its first row ("more records than lines").
  std::size_t lines = 1;
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\n' || (content[i] == '\r' && (i + 1 == content.size() || content[i + 1] != '\n'))) ++lines;
  }
  return lines;
}

}  // namespace simpul::connectors::file
