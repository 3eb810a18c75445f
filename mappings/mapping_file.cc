#include "mappings/mapping_file.h"

#include "mappings/domain/region_table.h"
#include "mappings/value_diff.h"

namespace simpul::mappings {
namespace {

mapping_error from_jsonata(const jsonata::jsonata_error& e, const std::string& file) {
  return mapping_error{e.code, e.message, file, 0, 0};
}

}  // namespace

std::string to_string(const mapping_error& e) {
  std::string out;
  if (!e.file.empty()) {
    out += e.file;
    if (e.line > 0) out += ":" + std::to_string(e.line);
    if (e.column > 0) out += ":" + std::to_string(e.column);
    out += ": ";
  }
  out += e.code;
  out += " ";
  out += e.message;
  return out;
}

mapping_file::mapping_file() = default;
mapping_file::~mapping_file() = default;

std::expected<jsonata::value, mapping_error> mapping_file::evaluate(
    const jsonata::value& input, const jsonata::bindings& vars) const {
  if (expression_) {
    auto r = expression_->evaluate(input, vars, eval_options_);
    if (!r) return std::unexpected(from_jsonata(r.error(), path_.string()));
    return std::move(*r);
  }
  auto obj = jsonata::value::new_object();
  obj.obj_mut().entries.reserve(fields_.size());
  for (const auto& f : fields_) {
    auto r = f.expr.evaluate(input, vars, eval_options_);
    if (!r) {
      auto e = from_jsonata(r.error(), path_.string());
      e.message = "field '" + f.key + "': " + e.message;
      return std::unexpected(std::move(e));
    }
    if (r->is_undefined()) continue;
    if (fields_distinct_)
      obj.add(f.name, std::move(*r));
    else
      obj.set(f.name, std::move(*r));
  }
  return obj;
}

data_format::kind mapping_file::input_kind(std::string_view content_type) const {
  return input_explicit_ ? input_.type : format_of_content_type(content_type, input_.type);
}

std::expected<mapping_file::output, mapping_error> mapping_file::apply(
    std::string_view body, std::string_view content_type, const jsonata::bindings& vars) const {
  data_format in = input_;
  in.type = input_kind(content_type);
  auto input = decode(body, in);
  if (!input) {
    return std::unexpected(mapping_error{input.error().code, "input: " + formats::to_string(input.error()),
                                         path_.string(), 0, 0});
  }
  return apply_decoded(*input, vars);
}

std::expected<mapping_file::output, mapping_error> mapping_file::apply_decoded(
    const jsonata::value& input, const jsonata::bindings& vars) const {
  auto result = evaluate(input, vars);
  if (!result) return std::unexpected(result.error());
  auto bytes = encode(*result, output_);
  if (!bytes) {
    return std::unexpected(mapping_error{bytes.error().code, "output: " + formats::to_string(bytes.error()),
                                         path_.string(), 0, 0});
  }
  return output{std::move(*bytes), std::string(content_type_of(output_.type))};
}

bool mapping_file::may_read(std::string_view variable) const {
  if (expression_ && expression_->may_read(variable)) return true;
  for (const auto& f : fields_)
    if (f.expr.may_read(variable)) return true;
  return false;
}

std::vector<example_result> mapping_file::run_examples() const {
  std::vector<example_result> results;
  for (const auto& ex : examples_) {
    example_result r{ex.name, false, {}};
    auto got = evaluate(ex.input, ex.vars);
    if (!got) {
      r.differences.push_back("error: " + got.error().code + " " + got.error().message);
      results.push_back(std::move(r));
      continue;
    }
    jsonata::value actual = std::move(*got);
    if (ex.expected_encoded) {  // compare in the shape the output file format gives
      auto bytes = encode(actual, output_);
      formats::format_result<jsonata::value> back =
          bytes ? decode(*bytes, output_) : std::unexpected(bytes.error());
      if (!back) {
        r.differences.push_back("error: output " + formats::to_string(back.error()));
        results.push_back(std::move(r));
        continue;
      }
      actual = std::move(*back);
    }
    r.differences = value_diff(ex.expected, actual);
    r.passed = r.differences.empty();
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace simpul::mappings
