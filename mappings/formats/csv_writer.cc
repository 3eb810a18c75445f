#include "mappings/formats/csv_writer.h"

#include <algorithm>

#include "mappings/formats/json.h"

namespace simpul::mappings::formats {
namespace {

std::string cell_text(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsNull()) return {};
  return write_json(v);
}

}  // namespace

void append_csv_field(std::string& out, std::string_view field, char delimiter) {
  const bool needs_quotes =
      field.find_first_of(std::string{delimiter, '"', '\r', '\n'}) != std::string_view::npos ||
      (!field.empty() && (field.front() == ' ' || field.back() == ' ')) ||
      field.starts_with("\xEF\xBB\xBF");  // would read as a BOM at the start of a file
  if (!needs_quotes) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (const char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_csv_row(std::string& out, std::span<const std::string> fields, char delimiter,
                    std::string_view line_end) {
  if (fields.size() == 1 && fields[0].empty()) {
    out.append("\"\"");  // an empty line would be skipped by readers: keep the row
  } else {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out.push_back(delimiter);
      append_csv_field(out, fields[i], delimiter);
    }
  }
  out.append(line_end);
}

format_result<std::string> write_csv(const rapidjson::Value& rows, const csv_write_options& options) {
  if (!rows.IsArray()) {
    return make_format_error("csv.write", "CSV output needs an array of rows", 0, 0,
                             "expected an array of objects or of arrays");
  }
  std::vector<std::string> columns = options.columns;
  bool objects = false;
  for (const auto& row : rows.GetArray()) {
    if (row.IsObject()) {
      objects = true;
    } else if (!row.IsArray()) {
      return make_format_error("csv.write", "CSV row is neither an object nor an array", 0, 0,
                               "expected an array of objects or of arrays");
    }
  }
  if (objects && options.columns.empty()) {
    for (const auto& row : rows.GetArray()) {
      if (!row.IsObject()) continue;
      for (const auto& m : row.GetObject()) {
        std::string key(m.name.GetString(), m.name.GetStringLength());
        if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
      }
    }
  }
  std::string out;
  if (options.bom) out.append("\xEF\xBB\xBF");
  if (options.header && !columns.empty()) append_csv_row(out, columns, options.delimiter, options.line_end);
  std::vector<std::string> cells;
  for (const auto& row : rows.GetArray()) {
    cells.clear();
    if (row.IsObject()) {
      for (const auto& name : columns) {
        const auto it = row.FindMember(rapidjson::StringRef(name.data(), name.size()));
        cells.push_back(it == row.MemberEnd() ? std::string() : cell_text(it->value));
      }
    } else {
      for (const auto& v : row.GetArray()) cells.push_back(cell_text(v));
    }
    append_csv_row(out, cells, options.delimiter, options.line_end);
  }
  return out;
}

}  // namespace simpul::mappings::formats
