#include "hub/route/jsonata_provider.h"

#include "hub/route/json_text.h"
#include "mappings/jsonata/evaluator.h"
#include "mappings/jsonata/json.h"
#include "mappings/jsonata/jsonata.h"

namespace simpul::hub {
namespace {

namespace jsonata = mappings::jsonata;

// Runaway guard for conditions: one bad expression must not stall a route.
constexpr std::chrono::milliseconds condition_time_limit{1000};

step_failure failure_of(const jsonata::jsonata_error& e, std::string_view what) {
  return step_failure{"jsonata." + e.code, std::string(what) + ": " + e.code + " " + e.message, 422};
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
    } else {
      input = jsonata::value::string(msg.body);
    }
    auto headers = jsonata::value::new_object();
    for (const auto& [k, v] : msg.headers.entries()) {
      headers.set(jsonata::value::string(k), jsonata::value::string(v));
    }
    auto attributes = jsonata::value::new_object();
    for (const auto& [k, v] : msg.attributes) {
      attributes.set(jsonata::value::string(k), jsonata::value::string(v));
    }
    jsonata::bindings vars{{"headers", headers},
                           {"attributes", attributes},
                           {"id", jsonata::value::string(msg.id)},
                           {"route", jsonata::value::string(msg.route)}};
    jsonata::evaluate_options opts;
    opts.time_limit = condition_time_limit;
    auto r = expr_.evaluate(input, vars, opts);
    if (!r) return std::unexpected(failure_of(r.error(), "condition failed"));
    return std::move(*r);
  }

  jsonata::expression expr_;
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
  return make_error("mapping.unsupported",
                    "mapping '" + ref.name + "': mapping files are not supported by this build yet");
}

}  // namespace simpul::hub
