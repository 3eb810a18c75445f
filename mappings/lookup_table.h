#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <rapidjson/document.h>

#include "mappings/formats/csv_reader.h"
#include "mappings/formats/format_error.h"

namespace simpul::mappings {

struct lookup_options {
  /// Column holding the key (e.g. "kode_lama").
  std::string key_column;
  /// Column holding the value (e.g. "kode_kemendagri"); empty = the whole
  /// row as an object of strings keyed by column name.
  std::string value_column;
  /// Compare keys case-insensitively (ASCII) with surrounding whitespace
  /// removed and inner runs of whitespace collapsed to one space. Applies to
  /// the stored keys and to every find().
  bool normalize_keys = false;
  /// How the CSV is read (delimiter auto-detected by default).
  formats::csv_options csv;
};

/// A code table loaded from CSV: legacy code -> national code, or code ->
/// row. Immutable after load, so any number of threads may call find()
/// concurrently; the route that owns it shares it by shared_ptr<const>.
///
/// Load errors are format_errors whose message starts with the source name
/// ("kecamatan.csv:12: ...") and whose line is the CSV line. Codes:
/// "lookup.io", "lookup.column" (unknown key/value column),
/// "lookup.duplicate_key", "lookup.empty_key", and the CSV reader's codes.
class lookup_table {
 public:
  static formats::format_result<lookup_table> load_file(const std::filesystem::path& path,
                                                        const lookup_options& options);
  /// `source_name` names the table in error messages.
  static formats::format_result<lookup_table> load(std::string_view csv_text, const lookup_options& options,
                                                   std::string source_name = "lookup");

  /// The value (a string, or an object in whole-row mode), or nullptr.
  const rapidjson::Value* find(std::string_view key) const;
  /// The value as a string when it is one (value_column mode).
  std::optional<std::string> find_string(std::string_view key) const;

  std::size_t size() const { return index_.size(); }
  const std::string& source_name() const { return source_; }

  lookup_table(lookup_table&&) noexcept = default;
  lookup_table& operator=(lookup_table&&) noexcept = default;

 private:
  lookup_table() = default;
  std::string key_of(std::string_view raw) const;

  bool normalize_ = false;
  std::string source_;
  std::unique_ptr<rapidjson::Document> values_;  // owns the values; stable address
  std::unordered_map<std::string, std::size_t> index_;  // key -> index in values_
};

/// Key normalisation used with normalize_keys (exposed for callers that
/// build keys): trim, collapse inner whitespace, ASCII lower case.
std::string normalize_lookup_key(std::string_view key);

}  // namespace simpul::mappings
