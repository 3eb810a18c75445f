#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/file/file_settings.h"

namespace simpul::connectors::file {

/// One message-to-be read from a file, or the reason it could not be read.
struct record {
  int line = 1;          ///< 1-based line where the record starts
  std::string body;      ///< message body (CSV rows become a JSON object)
  std::string error;     ///< non-empty: the record could not be parsed
};

/// Splits a file's content into records by format: json/xml/raw give one,
/// ndjson one per non-blank line, csv one per data row (header row gives the
/// keys; BOM, CRLF, `;`/`,`, quoted newlines handled by
/// mappings/formats/csv_reader). A broken record is returned with `error` and
/// the others still come through; `fatal` is set when nothing could be read.
struct record_set {
  std::vector<record> records;
  std::string fatal;
};

record_set read_records(std::string_view content, const input_settings& s);

/// The same records handed to `sink` one by one as they are read (`sink`
/// returns false to stop reading); returns the fatal error, empty if none.
using record_sink = std::function<bool(record&&)>;
std::string read_records(std::string_view content, const input_settings& s, const record_sink& sink);

/// An upper bound of the records `content` can hold (one per line for
/// csv/ndjson, else 1), so storage for them can be reserved up front.
std::size_t max_records(std::string_view content, const input_settings& s);

}  // namespace simpul::connectors::file
