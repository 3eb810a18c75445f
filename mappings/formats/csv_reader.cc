#include "mappings/formats/csv_reader.h"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace simpul::mappings::formats {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Counts candidate delimiters on the record starting at `from`, outside
// quotes (quote parity is enough for a well-formed header).
char detect_delimiter(std::string_view text, std::size_t from) {
  constexpr std::array<char, 4> candidates{';', ',', '\t', '|'};
  std::array<std::size_t, 4> counts{};
  bool quoted = false;
  for (std::size_t i = from; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == '\n' || c == '\r')) {
      break;
    } else if (!quoted) {
      for (std::size_t k = 0; k < candidates.size(); ++k) {
        if (c == candidates[k]) ++counts[k];
      }
    }
  }
  std::size_t best = 1;  // ',' unless another candidate is strictly more frequent
  for (std::size_t k = 0; k < candidates.size(); ++k) {
    if (counts[k] > counts[best]) best = k;
  }
  return candidates[best];
}

}  // namespace

csv_reader::csv_reader(std::string_view text, csv_options options)
    : text_(text), options_(std::move(options)) {
  if (text_.starts_with(kBom)) {
    pos_ = kBom.size();
    line_start_ = pos_;
  }
}

bool csv_reader::at_line_end() const {
  return pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r');
}

void csv_reader::consume_line_end() {
  if (pos_ < text_.size() && text_[pos_] == '\r') {
    ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
  } else if (pos_ < text_.size() && text_[pos_] == '\n') {
    ++pos_;
  }
  ++line_;
  line_start_ = pos_;
}

int csv_reader::column_at(std::size_t offset) const {
  return position_of(text_.substr(line_start_), offset - line_start_).column;
}

// Record skipping for title rows uses quote parity, which does not depend on
// the delimiter (it may not be known yet).
bool csv_reader::skip_record() {
  while (pos_ < text_.size() && at_line_end()) consume_line_end();
  if (pos_ >= text_.size()) return false;
  bool quoted = false;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '"') {
      quoted = !quoted;
      ++pos_;
    } else if (c == '\n' || c == '\r') {
      consume_line_end();
      if (!quoted) return true;
    } else {
      ++pos_;
    }
  }
  return true;
}

csv_reader::scan csv_reader::read_record(std::vector<std::string>& fields, int& start_line,
                                         format_error& error) {
  fields.clear();
  while (pos_ < text_.size() && at_line_end()) consume_line_end();  // blank lines
  if (pos_ >= text_.size()) return scan::end;
  start_line = line_;
  const std::size_t record_start = pos_;
  const char delim = delimiter_;
  for (;;) {
    std::string field;
    if (options_.trim) {
      std::size_t p = pos_;
      while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t') && text_[p] != delim) ++p;
      if (p < text_.size() && text_[p] == '"') pos_ = p;  // blanks before a quote are padding
    }
    if (pos_ < text_.size() && text_[pos_] == '"') {
      const int open_line = line_;
      const int open_column = column_at(pos_);
      ++pos_;
      for (;;) {
        if (pos_ >= text_.size()) {
          last_raw_ = text_.substr(record_start);
          error = format_error{"csv.unterminated_quote", "quoted field is never closed", open_line,
                               open_column, "expected a closing '\"' before the end of the input"};
          done_ = true;
          return scan::error;
        }
        const char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            field.push_back('"');
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        if (c == '\n' || c == '\r') {
          const std::size_t before = pos_;
          consume_line_end();
          field.append(text_.substr(before, pos_ - before));
          continue;
        }
        field.push_back(c);
        ++pos_;
      }
      if (options_.trim) {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t') && text_[pos_] != delim) ++pos_;
      }
      if (pos_ < text_.size() && text_[pos_] != delim && !at_line_end()) {
        error = format_error{"csv.quote", "unexpected character after a closing quote", line_,
                             column_at(pos_),
                             std::string("expected the delimiter '") + delim + "' or the end of the line"};
        while (pos_ < text_.size() && !at_line_end()) ++pos_;
        last_raw_ = text_.substr(record_start, pos_ - record_start);
        if (pos_ < text_.size()) consume_line_end();
        return scan::error;
      }
    } else {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != delim && !at_line_end()) ++pos_;
      std::string_view raw = text_.substr(start, pos_ - start);
      if (options_.trim) raw = trim_blanks(raw);
      field.assign(raw);
    }
    fields.push_back(std::move(field));
    if (pos_ < text_.size() && text_[pos_] == delim) {
      ++pos_;
      continue;
    }
    last_raw_ = text_.substr(record_start, pos_ - record_start);
    if (pos_ < text_.size()) consume_line_end();
    return scan::record;
  }
}

// A field that is not UTF-8 (a Windows-1252 export, a binary file) would go
// on as a JSON string no reader accepts: the record is refused here, with
// the position of the first bad byte.
std::optional<format_error> csv_reader::invalid_encoding(int record_line) const {
  const auto at = invalid_utf8_at(last_raw_);
  if (at == std::string_view::npos) return std::nullopt;
  auto e = utf8_error(last_raw_, at, "csv.encoding");
  e.line += record_line - 1;  // last_raw_ starts the record's first line
  return e;
}

void csv_reader::set_columns(const std::vector<std::string>& names) {
  std::unordered_set<std::string> seen;
  // The next suffix to try per repeated name: restarting at _2 every time
  // made a header of 500,000 equal names cost 1e11 lookups (one 1 MiB
  // request held a thread for hours). The suffixes skipped are taken already.
  std::unordered_map<std::string, int> next_suffix;
  columns_.clear();
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string name(trim_blanks(names[i]));
    if (name.empty()) name = "col" + std::to_string(i + 1);
    std::string unique = name;
    if (seen.contains(unique)) {
      int& n = next_suffix.try_emplace(name, 2).first->second;
      do {
        unique = name + "_" + std::to_string(n++);
      } while (seen.contains(unique));
    }
    seen.insert(unique);
    columns_.push_back(std::move(unique));
  }
}

format_result<csv_reader> csv_reader::open(std::string_view text, csv_options options) {
  csv_reader r(text, std::move(options));
  for (std::size_t i = 0; i < r.options_.skip_rows; ++i) {
    if (!r.skip_record()) break;
  }
  while (r.pos_ < r.text_.size() && r.at_line_end()) r.consume_line_end();
  r.delimiter_ = r.options_.delimiter != '\0' ? r.options_.delimiter : detect_delimiter(r.text_, r.pos_);

  if (!r.options_.has_header && !r.options_.column_names.empty()) {
    r.set_columns(r.options_.column_names);
    return r;
  }
  std::vector<std::string> fields;
  int line = 0;
  format_error error;
  switch (r.read_record(fields, line, error)) {
    case scan::end:
      if (!r.options_.has_header) return r;  // no rows, no columns
      return make_format_error("csv.empty", "no header row", r.line_, 1,
                               "expected a header line with the column names");
    case scan::error:
      return std::unexpected(error);
    case scan::record:
      break;
  }
  if (auto bad = r.invalid_encoding(line)) return std::unexpected(std::move(*bad));
  if (r.options_.has_header) {
    r.set_columns(fields);
  } else {
    std::vector<std::string> names(fields.size());
    r.set_columns(names);  // col1..colN
    r.pending_ = csv_row{std::move(fields), line};
  }
  return r;
}

format_result<std::optional<csv_row>> csv_reader::next() {
  if (pending_) {
    auto row = std::move(pending_);
    pending_.reset();
    return row;
  }
  for (;;) {
    if (done_) return std::optional<csv_row>{};
    csv_row row;
    format_error error;
    switch (read_record(row.fields, row.line, error)) {
      case scan::end:
        done_ = true;
        return std::optional<csv_row>{};
      case scan::error:
        return std::unexpected(std::move(error));
      case scan::record:
        break;
    }
    if (auto bad = invalid_encoding(row.line)) return std::unexpected(std::move(*bad));
    if (options_.skip_blank_rows &&
        std::all_of(row.fields.begin(), row.fields.end(), [](const auto& f) { return f.empty(); })) {
      continue;
    }
    if (row.fields.size() != columns_.size()) {
      return make_format_error("csv.field_count",
                               "row has " + std::to_string(row.fields.size()) + " fields",
                               row.line, 1,
                               "expected " + std::to_string(columns_.size()) + " fields like the header");
    }
    return std::optional<csv_row>{std::move(row)};
  }
}

format_result<csv_document> read_csv(std::string_view text, const csv_options& options) {
  auto reader = csv_reader::open(text, options);
  if (!reader) return std::unexpected(reader.error());
  csv_document out;
  out.rows.SetArray();
  out.columns = reader->columns();
  auto& alloc = out.rows.GetAllocator();
  for (;;) {
    auto row = reader->next();
    if (!row) {
      if (options.on_bad_row == bad_row_policy::fail) return std::unexpected(row.error());
      out.errors.push_back(std::move(row.error()));
      continue;
    }
    if (!*row) break;
    rapidjson::Value obj(rapidjson::kObjectType);
    const auto& fields = (*row)->fields;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      obj.AddMember(rapidjson::Value(out.columns[i], alloc), rapidjson::Value(fields[i], alloc), alloc);
    }
    out.rows.PushBack(std::move(obj), alloc);
  }
  return out;
}

}  // namespace simpul::mappings::formats
