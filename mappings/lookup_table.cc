#include "mappings/lookup_table.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

namespace simpul::mappings {
namespace {

using formats::format_error;

std::unexpected<format_error> with_source(format_error e, const std::string& source) {
  e.message = source + ":" + (e.line > 0 ? std::to_string(e.line) + ": " : std::string(" ")) + e.message;
  return std::unexpected(std::move(e));
}

std::ptrdiff_t column_index(const std::vector<std::string>& columns, const std::string& name) {
  const auto it = std::find(columns.begin(), columns.end(), name);
  return it == columns.end() ? -1 : it - columns.begin();
}

}  // namespace

std::string normalize_lookup_key(std::string_view key) {
  std::string out;
  bool pending_space = false;
  for (const char ch : key) {
    if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(ch >= 'A' && ch <= 'Z' ? static_cast<char>(ch - 'A' + 'a') : ch);
  }
  return out;
}

std::string lookup_table::key_of(std::string_view raw) const {
  return normalize_ ? normalize_lookup_key(raw) : std::string(raw);
}

formats::format_result<lookup_table> lookup_table::load_file(const std::filesystem::path& path,
                                                             const lookup_options& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return with_source(format_error{"lookup.io", "cannot open the file", 0, 0, "expected a readable CSV file"},
                       path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load(text.str(), options, path.string());
}

formats::format_result<lookup_table> lookup_table::load(std::string_view csv_text, const lookup_options& options,
                                                        std::string source_name) {
  lookup_table table;
  table.normalize_ = options.normalize_keys;
  table.source_ = std::move(source_name);
  table.values_ = std::make_unique<rapidjson::Document>();
  table.values_->SetArray();
  auto& alloc = table.values_->GetAllocator();

  auto reader = formats::csv_reader::open(csv_text, options.csv);
  if (!reader) return with_source(reader.error(), table.source_);
  const auto& columns = reader->columns();
  const auto key_index = column_index(columns, options.key_column);
  if (key_index < 0) {
    return with_source(format_error{"lookup.column", "no key column '" + options.key_column + "'", 1, 1,
                                    "expected one of the header's columns"},
                       table.source_);
  }
  const auto value_index = options.value_column.empty() ? -1 : column_index(columns, options.value_column);
  if (!options.value_column.empty() && value_index < 0) {
    return with_source(format_error{"lookup.column", "no value column '" + options.value_column + "'", 1, 1,
                                    "expected one of the header's columns"},
                       table.source_);
  }
  std::unordered_map<std::string, int> first_line;
  for (;;) {
    auto row = reader->next();
    if (!row) return with_source(row.error(), table.source_);
    if (!*row) break;
    const auto& fields = (*row)->fields;
    std::string key = table.key_of(fields[static_cast<std::size_t>(key_index)]);
    if (key.empty()) {
      return with_source(format_error{"lookup.empty_key", "empty key", (*row)->line, 1,
                                      "expected a value in column '" + options.key_column + "'"},
                         table.source_);
    }
    if (const auto it = first_line.find(key); it != first_line.end()) {
      return with_source(format_error{"lookup.duplicate_key", "key '" + key + "' repeats line " +
                                                                   std::to_string(it->second),
                                      (*row)->line, 1, "expected each key once"},
                         table.source_);
    }
    first_line.emplace(key, (*row)->line);
    rapidjson::Value value;
    if (value_index >= 0) {
      value.SetString(fields[static_cast<std::size_t>(value_index)], alloc);
    } else {
      value.SetObject();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        value.AddMember(rapidjson::Value(columns[i], alloc), rapidjson::Value(fields[i], alloc), alloc);
      }
    }
    table.index_.emplace(std::move(key), table.values_->Size());
    table.values_->PushBack(std::move(value), alloc);
  }
  return table;
}

const rapidjson::Value* lookup_table::find(std::string_view key) const {
  const auto it = index_.find(key_of(key));
  if (it == index_.end()) return nullptr;
  return &(*values_)[static_cast<rapidjson::SizeType>(it->second)];
}

std::optional<std::string> lookup_table::find_string(std::string_view key) const {
  const auto* v = find(key);
  if (v == nullptr || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

}  // namespace simpul::mappings
