#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "mappings/formats/format_error.h"

namespace simpul::mappings::formats {

/// What read_csv does with a row it cannot accept (wrong field count, stray
/// quote): stop with that error, or keep the good rows and list the bad ones.
enum class bad_row_policy { fail, collect };

struct csv_options {
  /// '\0' = detect from the header line: the most frequent of ';' ',' '\t'
  /// '|' outside quotes (',' when none occurs).
  char delimiter = '\0';
  /// First record (after skip_rows) holds the column names. Names are
  /// trimmed; an empty name becomes colN, a repeated one name_2, name_3...
  bool has_header = true;
  /// Column names when has_header is false; empty = col1..colN, N taken from
  /// the first row.
  std::vector<std::string> column_names;
  /// Leading records to drop before the header (report titles in e-budgeting
  /// exports). Counted as records, so a quoted title with a newline is one.
  std::size_t skip_rows = 0;
  /// Trim ASCII spaces and tabs around unquoted fields.
  bool trim = false;
  /// Drop rows whose fields are all empty (";;;;" separator rows).
  bool skip_blank_rows = false;
  bad_row_policy on_bad_row = bad_row_policy::fail;
};

/// One data record and the 1-based line it starts on (a quoted field may
/// carry newlines, so a record can span several lines).
struct csv_row {
  std::vector<std::string> fields;
  int line = 0;
};

/// Row-by-row CSV reader (RFC 4180 plus what Excel id-ID exports do: UTF-8
/// BOM, ';' delimiter, CRLF/LF/CR line ends, quoted newlines, title rows).
/// Empty physical lines are skipped, so a trailing newline never makes a row.
///
/// Lifecycle: open() reads the header, then next() until it yields nullopt.
/// The reader views `text` without copying: the caller keeps it alive. Not
/// thread-safe; one reader per input.
class csv_reader {
 public:
  /// Strips a BOM, skips `skip_rows`, settles the delimiter and reads the
  /// header. Fails on empty input when a header is expected, or on a broken
  /// header record.
  static format_result<csv_reader> open(std::string_view text, csv_options options = {});

  /// Next data row, or nullopt at the end. A row whose field count differs
  /// from the columns comes back as error "csv.field_count" (line = the row's
  /// first line) and reading goes on with the next row; so does a stray
  /// character after a closing quote ("csv.quote") and a row that is not
  /// UTF-8 ("csv.encoding", at the first bad byte; also for the header,
  /// where open() fails). An unterminated quoted
  /// field ("csv.unterminated_quote") ends the input.
  format_result<std::optional<csv_row>> next();

  const std::vector<std::string>& columns() const { return columns_; }
  char delimiter() const { return delimiter_; }
  /// Raw text of the record last returned or rejected by next(), without its
  /// line end; lets a caller forward a bad row verbatim.
  std::string_view last_raw() const { return last_raw_; }

 private:
  enum class scan { record, end, error };

  csv_reader(std::string_view text, csv_options options);
  scan read_record(std::vector<std::string>& fields, int& start_line, format_error& error);
  bool skip_record();
  /// "csv.encoding" when the record last read (last_raw_) is not UTF-8.
  std::optional<format_error> invalid_encoding(int record_line) const;
  void consume_line_end();
  bool at_line_end() const;
  int column_at(std::size_t offset) const;
  void set_columns(const std::vector<std::string>& names);

  std::string_view text_;
  csv_options options_;
  char delimiter_ = ',';
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
  bool done_ = false;
  std::vector<std::string> columns_;
  std::optional<csv_row> pending_;  // first row when columns come from it
  std::string_view last_raw_;
};

/// All rows as objects keyed by column, with every value a string; plus the
/// rows that were refused (only with bad_row_policy::collect).
struct csv_document {
  rapidjson::Document rows;
  std::vector<std::string> columns;
  std::vector<format_error> errors;
};

/// Convenience over csv_reader: builds a JSON array of objects.
format_result<csv_document> read_csv(std::string_view text, const csv_options& options = {});

}  // namespace simpul::mappings::formats
