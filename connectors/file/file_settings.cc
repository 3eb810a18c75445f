#include "connectors/file/file_settings.h"

#include "connectors/field_builder.h"

namespace simpul::connectors::file {

namespace {

using config::field_type;
using connectors::field;

config::component_spec build_spec() {
  config::component_spec s;
  s.type = "file";
  s.summary = "Watched drop directory (input) and atomic file writer (output)";
  s.input = true;
  s.output = true;
  s.fields = {
      field("dir", field_type::string, "Input: the watched drop directory. Output: where files are written")
          .required()
          .example("/srv/simpul/drop/dukcapil"),
      field("patterns", field_type::string_list, "Input: file name globs to take (others are left alone)")
          .fallback("*")
          .example("[\"*.csv\", \"*.json\"]"),
      field("format", field_type::string,
            "Input: json/xml/raw = one message per file, ndjson = one per line, csv = one per row "
            "(a JSON object keyed by the header)")
          .fallback("json")
          .one_of({"json", "xml", "ndjson", "csv", "raw"}),
      field("delimiter", field_type::string, "CSV delimiter").fallback("auto").one_of({",", ";", "\\t", "|", "auto"}),
      field("has_header", field_type::boolean, "CSV: the first row names the columns").fallback("true"),
      field("skip_rows", field_type::integer, "CSV: title rows before the header").fallback("0"),
      field("complete_when", field_type::string,
            "When a file is complete: stable:<duration> (size and mtime unchanged that long), "
            "done_marker (x.csv.done exists; it is removed afterwards), rename (writers rename "
            "into place; files are taken as soon as seen)")
          .fallback("stable:2s"),
      field("rescan_interval", field_type::duration, "Directory rescan beside inotify (safety net)")
          .fallback("10s"),
      field("processing_dir", field_type::string, "Claimed files (default <dir>/processing)"),
      field("processed_dir", field_type::string, "Finished files (default <dir>/processed)"),
      field("failed_dir", field_type::string, "Files with unreadable records (default <dir>/failed)"),
      field("rejected_to_failed", field_type::boolean,
            "Move a file with a record the hub rejected to failed/ (default: processed/, the "
            "rejected records being in the DLQ); meant for json/xml/raw, where the record is the file")
          .fallback("false"),
      field("max_file_size", field_type::size, "Larger files are moved to failed/ unread").fallback("256MiB"),
      field("content_type", field_type::string, "raw: content type of the messages")
          .fallback("application/octet-stream"),
      field("max_in_flight", field_type::integer,
            "Records of a file offered to the hub before the first of them is answered (1 = one at a time)")
          .fallback("256"),
  };
  s.output_fields = {
      field("filename", field_type::string,
            "File name template: {{route}}, {{id}}, {{key}}, {{date}}, {{time}}, {{attr.NAME}}, "
            "{{header.NAME}}. json/raw write one file per message (temp file, fsync, rename); "
            "ndjson/csv append to the named file (e.g. {{date}}.ndjson rotates daily)")
          .fallback("{{route}}-{{id}}.json"),
      field("format", field_type::string, "Output format").fallback("json").one_of({"json", "ndjson", "csv", "raw"}),
  };
  return s;
}

}  // namespace

const config::component_spec& file_spec() {
  static const config::component_spec spec = build_spec();
  return spec;
}

result<record_format> parse_format(const std::string& text) {
  if (text == "json") return record_format::json;
  if (text == "xml") return record_format::xml;
  if (text == "ndjson") return record_format::ndjson;
  if (text == "csv") return record_format::csv;
  if (text == "raw") return record_format::raw;
  return make_error("file.format", "format must be json, xml, ndjson, csv or raw (got '" + text + "')");
}

result<input_settings> read_input_settings(const config::node& n) {
  input_settings s;
  s.dir = n.get_string("dir");
  if (s.dir.empty()) return make_error("file.dir", "dir is required");
  auto patterns = n.get_strings("patterns");
  if (!patterns.empty()) s.patterns = std::move(patterns);
  auto format = parse_format(n.get_string("format", "json"));
  if (!format) return std::unexpected(format.error());
  s.format = *format;
  auto delim = n.get_string("delimiter", "auto");
  if (delim == "\\t") s.delimiter = '\t';
  else if (delim.size() == 1) s.delimiter = delim[0];
  else if (delim != "auto") return make_error("file.delimiter", "delimiter must be one character or auto");
  s.has_header = n.get_bool("has_header", true);
  auto skip = n.get_int("skip_rows", 0);
  if (skip < 0) return make_error("file.skip_rows", "skip_rows must not be negative");
  s.skip_rows = static_cast<std::size_t>(skip);
  auto in_flight = n.get_int("max_in_flight", 256);
  if (in_flight < 1 || in_flight > 100000) return make_error("file.max_in_flight", "max_in_flight must be 1..100000");
  s.max_in_flight = static_cast<std::size_t>(in_flight);
  auto when = n.get_string("complete_when", "stable:2s");
  if (when == "done_marker") {
    s.complete.how = completion::kind::done_marker;
  } else if (when == "rename") {
    s.complete.how = completion::kind::rename;
  } else if (when.starts_with("stable")) {
    s.complete.how = completion::kind::stable;
    if (when.size() > 7 && when[6] == ':') {
      auto d = config::parse_duration(when.substr(7));
      if (!d) return make_error("file.complete_when", "complete_when: " + d.error().message);
      s.complete.stable_for = *d;
    } else if (when != "stable") {
      return make_error("file.complete_when", "complete_when must be stable:<duration>, done_marker or rename");
    }
  } else {
    return make_error("file.complete_when", "complete_when must be stable:<duration>, done_marker or rename");
  }
  s.rescan_interval = n.get_duration("rescan_interval", s.rescan_interval);
  if (s.rescan_interval.count() <= 0) return make_error("file.rescan_interval", "rescan_interval must be > 0");
  auto dir_or = [&](const char* key, const char* sub) {
    auto v = n.get_string(key);
    return v.empty() ? s.dir / sub : std::filesystem::path(v);
  };
  s.processing_dir = dir_or("processing_dir", "processing");
  s.processed_dir = dir_or("processed_dir", "processed");
  s.failed_dir = dir_or("failed_dir", "failed");
  s.max_file_size = n.get_size("max_file_size", s.max_file_size);
  s.content_type = n.get_string("content_type", "application/octet-stream");
  s.rejected_to_failed = n.get_bool("rejected_to_failed", false);
  return s;
}

result<output_settings> read_output_settings(const config::node& n) {
  output_settings s;
  s.dir = n.get_string("dir");
  if (s.dir.empty()) return make_error("file.dir", "dir is required");
  return s;
}

bool glob_match(std::string_view p, std::string_view n) {
  std::size_t pi = 0, ni = 0, star = std::string_view::npos, mark = 0;
  while (ni < n.size()) {
    if (pi < p.size() && p[pi] == '[') {
      auto close = p.find(']', pi + 1);
      if (close != std::string_view::npos && p.substr(pi + 1, close - pi - 1).find(n[ni]) != std::string_view::npos) {
        pi = close + 1;
        ++ni;
        continue;
      }
    } else if (pi < p.size() && (p[pi] == '?' || p[pi] == n[ni])) {
      ++pi;
      ++ni;
      continue;
    }
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ni;
      continue;
    }
    if (star != std::string_view::npos) {
      pi = star + 1;
      ni = ++mark;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace simpul::connectors::file
