#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "mappings/formats/format_error.h"

namespace simpul::mappings::formats {

struct csv_write_options {
  char delimiter = ',';
  bool header = true;
  std::string line_end = "\r\n";  // RFC 4180; "\n" for Unix consumers
  bool bom = false;               // Excel id-ID wants a BOM to read UTF-8
  /// Column order; empty = every key of every object, in order of first
  /// appearance.
  std::vector<std::string> columns;
};

/// Appends one field, quoted when it holds the delimiter, a quote, CR, LF or
/// leading/trailing spaces (which Excel would otherwise drop).
void append_csv_field(std::string& out, std::string_view field, char delimiter);

/// Appends fields joined by the delimiter, then the line end.
void append_csv_row(std::string& out, std::span<const std::string> fields, char delimiter,
                    std::string_view line_end);

/// Writes an array of objects (columns by key) or of arrays (positional) as
/// CSV. Strings are written as is, numbers and booleans as JSON text, null as
/// an empty field, nested objects/arrays as compact JSON.
format_result<std::string> write_csv(const rapidjson::Value& rows, const csv_write_options& options = {});

}  // namespace simpul::mappings::formats
