#include "hub/route/jsonata_provider.h"

#include <optional>
#include <string_view>

#include "hub/route/json_text.h"
#include "mappings/jsonata/evaluator.h"
#include "mappings/jsonata/json.h"
#include "mappings/jsonata/jsonata.h"
#include "mappings/data_format.h"
#include "mappings/mapping_file.h"

namespace simpul::hub {
namespace {

namespace jsonata = mappings::jsonata;

// Runaway guard for conditions: one bad expression must not stall a route.
constexpr std::chrono::milliseconds condition_time_limit{1000};

step_failure failure_of(const jsonata::jsonata_error& e, std::string_view what) {
  return step_failure{"jsonata." + e.code, std::string(what) + ": " + e.code + " " + e.message, 422};
}

// What an expression sees of a message besides its body: shared by
// conditions and mapping files.
struct message_variables {
  bool headers = true, attributes = true, id = true, route = true;
};

jsonata::bindings message_bindings(const message& msg, const message_variables& read = {}) {
  jsonata::bindings vars;
  vars.reserve(4);
  if (read.headers) {
    auto headers = jsonata::value::new_object();
    for (const auto& [k, v] : msg.headers.entries()) {
      headers.set(jsonata::value::string(k), jsonata::value::string(v));
    }
    vars.emplace_back("headers", std::move(headers));
  }
  if (read.attributes) {
    auto attributes = jsonata::value::new_object();
    for (const auto& [k, v] : msg.attributes) {
      attributes.set(jsonata::value::string(k), jsonata::value::string(v));
    }
    vars.emplace_back("attributes", std::move(attributes));
  }
  if (read.id) vars.emplace_back("id", jsonata::value::string(msg.id));
  if (read.route) vars.emplace_back("route", jsonata::value::string(msg.route));
  return vars;
}

// The data format of an XML or CSV content type (nullopt for anything else).
std::optional<mappings::data_format> structured_format(std::string_view content_type) {
  mappings::data_format f;
  f.type = mappings::format_of_content_type(content_type, mappings::data_format::kind::text);
  if (f.type == mappings::data_format::kind::text) return std::nullopt;
  return f;
}

class jsonata_expression final : public message_expression {
 public:
  explicit jsonata_expression(jsonata::expression e) : expr_(std::move(e)) {}

  std::expected<bool, step_failure> test(const message& msg) const override {
    auto v = evaluate(msg);
    if (!v) return std::unexpected(v.error());
    return jsonata::truthy(*v);
  }

  std::expected<std::vector<std::string>, step_failure> elements(
      const message& msg) const override {
    auto v = evaluate(msg);
    if (!v) return std::unexpected(v.error());
    std::vector<std::string> out;
    auto add = [&](const jsonata::value& item) {
      std::string s;
      jsonata::write_json(s, item);
      out.push_back(std::move(s));
    };
    if (v->is_undefined()) return out;
    if (v->is_array()) {
      for (const auto& item : v->arr().items) add(item);
    } else {
      add(*v);
    }
    return out;
  }

 private:
  std::expected<jsonata::value, step_failure> evaluate(const message& msg) const {
    jsonata::value input;
    if (is_json_content_type(msg.content_type)) {
      auto parsed = jsonata::parse_json(msg.body);
      if (!parsed) return std::unexpected(step_failure{"json.malformed", parsed.error(), 400});
      input = std::move(*parsed);
    } else if (auto format = structured_format(msg.content_type)) {
      // XML and CSV bodies read as a mapping file reads them, so `when`,
      // `filter` and `split` can name their elements and rows.
      auto decoded = mappings::decode(msg.body, *format);
      if (!decoded) {
        return std::unexpected(step_failure{decoded.error().code,
                                            mappings::formats::to_string(decoded.error()), 400});
      }
      input = std::move(*decoded);
    } else {
      input = jsonata::value::string(msg.body);
    }
    auto vars = message_bindings(msg);
    jsonata::evaluate_options opts;
    opts.time_limit = condition_time_limit;
    auto r = expr_.evaluate(input, vars, opts);
    if (!r) return std::unexpected(failure_of(r.error(), "condition failed"));
    return std::move(*r);
  }

  jsonata::expression expr_;
};

// A mapping file applied to a message body; failures are 422 "map.error".
class file_mapping final : public mapping_transform {
 public:
  explicit file_mapping(std::shared_ptr<const mappings::mapping_file> m)
      : mapping_(std::move(m)),
        name_(mapping_->name()),
        // Bindings no expression reads are not built (a headers object is a
        // few allocations per message).
        read_{mapping_->may_read("headers"), mapping_->may_read("attributes"), mapping_->may_read("id"),
              mapping_->may_read("route")} {}

  std::expected<output, step_failure> apply(const message& msg) const override {
    std::expected<mappings::mapping_file::output, mappings::mapping_error> r;
    if (checks_json_body(msg.content_type)) {
      // The route's check, done by the parse the mapping needs anyway.
      auto input = jsonata::parse_json_document(msg.body, max_json_body_depth);
      if (!input) return std::unexpected(json_body_failure(msg.body, input.error().offset, input.error().code));
      if (auto bad = check_json_utf8(msg.body)) return std::unexpected(*bad);
      r = mapping_->apply_decoded(*input, message_bindings(msg, read_));
    } else {
      r = mapping_->apply(msg.body, msg.content_type, message_bindings(msg, read_));
    }
    if (!r) {
      return std::unexpected(
          step_failure{"map.error", name_ + ": " + r.error().code + " " + r.error().message, 422});
    }
    return output{std::move(r->body), std::move(r->content_type)};
  }
  const std::string& name() const override { return name_; }
  bool checks_json_body(std::string_view content_type) const override {
    return is_json_content_type(content_type) &&
           mapping_->input_kind(content_type) == mappings::data_format::kind::json;
  }

 private:
  std::shared_ptr<const mappings::mapping_file> mapping_;
  std::string name_;
  message_variables read_;
};

}  // namespace

result<std::shared_ptr<const message_expression>> jsonata_provider::compile(
    std::string_view text) const {
  auto e = jsonata::compile(text);
  if (!e) {
    return make_error("jsonata." + e.error().code,
                      "JSONata " + e.error().code + " at position " +
                          std::to_string(e.error().position) + ": " + e.error().message);
  }
  return std::make_shared<jsonata_expression>(std::move(*e));
}

result<std::shared_ptr<const mapping_transform>> jsonata_provider::load_mapping(
    const config::mapping_ref& ref) const {
  auto m = mappings::mapping_file::load(ref.file);
  if (!m) return make_error("mapping.load", "mapping '" + ref.name + "': " + mappings::to_string(m.error()));
  return std::make_shared<file_mapping>(std::move(*m));
}

}  // namespace simpul::hub
