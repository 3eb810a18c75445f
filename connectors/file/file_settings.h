#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "hub/config/node.h"
#include "hub/config/spec.h"
#include "hub/error.h"

namespace simpul::connectors::file {

enum class record_format { json, xml, ndjson, csv, raw };

/// When a file in the watched directory is complete and may be taken.
struct completion {
  enum class kind { stable, done_marker, rename } how = kind::stable;
  std::chrono::milliseconds stable_for{2000};  ///< for `stable`
};

/// Input settings (connector level: one watched directory per connector).
struct input_settings {
  std::filesystem::path dir;
  std::vector<std::string> patterns{"*"};
  record_format format = record_format::json;
  char delimiter = '\0';  ///< '\0' = detect
  bool has_header = true;
  std::size_t skip_rows = 0;
  std::size_t max_in_flight = 256;  ///< records offered before the first is answered
  completion complete;
  std::chrono::milliseconds rescan_interval{10000};
  std::filesystem::path processed_dir, failed_dir, processing_dir;
  std::uint64_t max_file_size = 256ull << 20;
  std::string content_type;  ///< for raw; others follow the format
  /// A file with a record the hub rejected (dead-lettered) goes to failed/
  /// instead of processed/: for one-message-per-file inputs, where a
  /// rejected record means the whole file was refused.
  bool rejected_to_failed = false;
};

struct output_settings {
  std::filesystem::path dir;
};

/// Per-route `to:` options of the output.
struct output_route_settings {
  std::string filename = "{{route}}-{{id}}.json";
  record_format format = record_format::json;
};

const config::component_spec& file_spec();
result<input_settings> read_input_settings(const config::node& n);
result<output_settings> read_output_settings(const config::node& n);
result<record_format> parse_format(const std::string& text);

/// Shell-style glob: `*`, `?`, `[abc]`. Matches the whole name.
bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace simpul::connectors::file
