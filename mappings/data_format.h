#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

#include "mappings/formats/format_error.h"
#include "mappings/jsonata/value.h"

namespace simpul::mappings {

/// How a mapping reads its input or writes its output (the `input:` and
/// `output:` blocks of a mapping file).
struct data_format {
  enum class kind { json, xml, csv, text };
  kind type = kind::json;
  char delimiter = '\0';   // csv: '\0' reads auto-detect, writes ','
  bool has_header = true;  // csv
  std::size_t skip_rows = 0;  // csv, reading
  std::string root = "root";  // xml, writing: root element for non-single-key objects
};

/// "json" | "xml" | "csv" | "text", or nullopt-like failure.
std::expected<data_format::kind, std::string> parse_format_kind(std::string_view name);

/// The format a file's extension names (".xml" -> xml, ".csv" -> csv,
/// ".json" -> json, ".txt" -> text); `fallback` for anything else.
data_format::kind format_of_extension(std::string_view path, data_format::kind fallback);

/// The format a Content-Type names: a media type containing "xml" -> xml,
/// "csv" -> csv, in any case; `fallback` for anything else (JSON and text are
/// the caller's call).
data_format::kind format_of_content_type(std::string_view content_type, data_format::kind fallback);

/// The media type of a Content-Type ("Application/JSON; charset=utf-8" ->
/// "Application/JSON"): parameters and surrounding blanks dropped, case kept
/// (media types compare case-insensitively, RFC 9110 §8.3.1).
std::string_view media_type(std::string_view content_type);
/// ASCII lower case of one byte.
constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
/// ASCII case-insensitive equality.
inline bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}
/// ASCII case-insensitive search of `needle` (lower case) in `text`.
bool ascii_icontains(std::string_view text, std::string_view needle);

/// MIME type written for a format ("application/json", "application/xml",
/// "text/csv", "text/plain").
std::string_view content_type_of(data_format::kind k);

/// Body bytes -> JSONata value: json parsed, xml by the README convention,
/// csv as an array of row objects, text as one string.
formats::format_result<jsonata::value> decode(std::string_view body, const data_format& format);

/// JSONata value -> body bytes in `format`. text writes a string as is and
/// anything else as JSON. Undefined writes an empty body.
formats::format_result<std::string> encode(const jsonata::value& v, const data_format& format);

}  // namespace simpul::mappings
