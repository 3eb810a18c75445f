#pragma once

#include <chrono>
#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/data_format.h"
#include "mappings/jsonata/jsonata.h"
#include "mappings/lookup_table.h"

namespace simpul::mappings {

namespace domain {
class region_table;
}

/// A mapping problem. `file`/`line`/`column` (1-based) point into the
/// mapping file (or the table/sample it names) when known; `code` is stable:
/// "mapping.yaml", "mapping.schema", "mapping.io", a JSONata code ("S0202",
/// "U1001", "NIK_FORMAT"...) or a format code ("xml.syntax").
struct mapping_error {
  std::string code;
  std::string message;
  std::string file;
  int line = 0;
  int column = 0;
};

/// "file:line:col: code message" (the position parts only when known).
std::string to_string(const mapping_error& e);

struct mapping_load_options {
  /// Kemendagri region tables (see domain/region_table.h). Empty: the
  /// SIMPUL_REGION_TABLES environment variable, else none (format checks only).
  std::filesystem::path region_tables;
  /// Runaway guard per evaluation; exceeding either fails with U1001.
  std::chrono::milliseconds time_limit{1000};
  int max_depth = 1000;
};

/// One `examples:` entry. `expected_encoded`: the expected value came from
/// `expected_file`, so it is compared after a round trip through the output
/// format (e.g. XML text -> XML convention JSON).
struct mapping_example {
  std::string name;
  jsonata::value input;
  jsonata::value expected;
  jsonata::bindings vars;  ///< `attributes:` / `headers:` of the example, bound as in the hub
  bool expected_encoded = false;
  int line = 0;
};

struct example_result {
  std::string name;
  bool passed = false;
  std::vector<std::string> differences;  // value_diff lines, or the error
};

/// A loaded mapping file (format in docs/mappings.md). Lifecycle: load()
/// once (reads the YAML, lookup tables, samples; compiles the expression);
/// then apply()/evaluate() from any number of threads concurrently: all
/// members are immutable after load. Shared as shared_ptr<const>.
class mapping_file {
 public:
  static std::expected<std::shared_ptr<const mapping_file>, mapping_error> load(
      const std::filesystem::path& path, const mapping_load_options& options = {});

  /// True when `path` is a YAML mapping: it parses and has an `expression`
  /// or `fields` key at top level (how `simpul test` finds mapping files).
  static bool looks_like_mapping(const std::filesystem::path& path);

  struct output {
    std::string body;
    std::string content_type;
  };

  /// Decodes `body` with the input format (when the file names none, an XML
  /// or CSV `content_type` selects that reader), evaluates, encodes with the
  /// output format.
  std::expected<output, mapping_error> apply(std::string_view body, std::string_view content_type,
                                             const jsonata::bindings& vars = {}) const;

  /// The format apply() decodes a body of `content_type` with.
  data_format::kind input_kind(std::string_view content_type) const;

  /// apply() over an already decoded input: evaluates, encodes.
  std::expected<output, mapping_error> apply_decoded(const jsonata::value& input,
                                                     const jsonata::bindings& vars = {}) const;

  /// The mapping over an already decoded input.
  std::expected<jsonata::value, mapping_error> evaluate(const jsonata::value& input,
                                                        const jsonata::bindings& vars = {}) const;

  /// True when some expression of the mapping may read the variable
  /// `$variable` (jsonata::expression::may_read).
  bool may_read(std::string_view variable) const;

  /// Runs every example; one result each, in file order.
  std::vector<example_result> run_examples() const;

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::filesystem::path& path() const { return path_; }
  const std::vector<mapping_example>& examples() const { return examples_; }

  mapping_file(const mapping_file&) = delete;
  mapping_file& operator=(const mapping_file&) = delete;
  ~mapping_file();

 private:
  friend class mapping_loader;
  mapping_file();

  struct field {
    std::string key;
    jsonata::expression expr;
    jsonata::value name;  // `key` as a value, made once
  };

  std::string name_;
  std::string version_;
  std::filesystem::path path_;
  data_format input_;
  bool input_explicit_ = false;
  data_format output_;
  std::optional<jsonata::expression> expression_;
  std::vector<field> fields_;
  bool fields_distinct_ = true;  // no key repeats: results are added without a lookup
  std::map<std::string, lookup_table, std::less<>> lookups_;
  std::unique_ptr<domain::region_table> regions_;
  std::unique_ptr<jsonata::function_registry> functions_;
  jsonata::evaluate_options eval_options_;
  std::vector<mapping_example> examples_;
};

}  // namespace simpul::mappings
