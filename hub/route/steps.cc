#include "hub/route/steps.h"

#include <fstream>
#include <sstream>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include "hub/route/json_text.h"

namespace simpul::hub {

message_ptr with_body(const message& in, std::string body, std::string content_type) {
  auto out = std::make_shared<message>(in);
  out->body = std::move(body);
  out->content_type = std::move(content_type);
  return out;
}

namespace {

class validate_step final : public step {
 public:
  explicit validate_step(std::unique_ptr<rapidjson::SchemaDocument> schema)
      : schema_(std::move(schema)) {}
  const char* kind() const override { return "validate"; }

  step_output apply(const message_ptr& in) const override {
    rapidjson::Document doc;
    if (auto err = parse_json_body(in->body, doc)) return std::unexpected(*err);
    rapidjson::SchemaValidator validator(*schema_);
    if (doc.Accept(validator)) return std::vector<message_ptr>{in};
    rapidjson::StringBuffer schema_path, doc_path;
    validator.GetInvalidSchemaPointer().StringifyUriFragment(schema_path);
    validator.GetInvalidDocumentPointer().StringifyUriFragment(doc_path);
    std::string where = doc_path.GetString();
    return std::unexpected(step_failure{
        "validate.schema",
        "body does not match the schema: keyword '" +
            std::string(validator.GetInvalidSchemaKeyword()) + "' at schema path " +
            schema_path.GetString() + " failed for document path " +
            (where == "#" ? std::string("# (the root)") : where),
        422});
  }

 private:
  std::unique_ptr<rapidjson::SchemaDocument> schema_;
};

class filter_step final : public step {
 public:
  explicit filter_step(std::shared_ptr<const message_expression> c) : condition_(std::move(c)) {}
  const char* kind() const override { return "filter"; }
  step_output apply(const message_ptr& in) const override {
    auto keep = condition_->test(*in);
    if (!keep) return std::unexpected(keep.error());
    if (*keep) return std::vector<message_ptr>{in};
    return std::vector<message_ptr>{};
  }

 private:
  std::shared_ptr<const message_expression> condition_;
};

class split_step final : public step {
 public:
  explicit split_step(std::shared_ptr<const message_expression> p) : path_(std::move(p)) {}
  const char* kind() const override { return "split"; }
  step_output apply(const message_ptr& in) const override {
    auto parts = path_->elements(*in);
    if (!parts) return std::unexpected(parts.error());
    std::vector<message_ptr> out;
    out.reserve(parts->size());
    for (std::size_t i = 0; i < parts->size(); ++i) {
      auto m = std::make_shared<message>(*in);
      m->body = std::move((*parts)[i]);
      m->content_type = "application/json";
      m->id = in->id + "-" + std::to_string(i);
      out.push_back(std::move(m));
    }
    return out;
  }

 private:
  std::shared_ptr<const message_expression> path_;
};

class map_step final : public step {
 public:
  explicit map_step(std::shared_ptr<const mapping_transform> m) : mapping_(std::move(m)) {}
  const char* kind() const override { return "map"; }
  step_output apply(const message_ptr& in) const override {
    auto out = mapping_->apply(*in);
    if (!out) return std::unexpected(out.error());
    return std::vector<message_ptr>{with_body(*in, std::move(out->body), std::move(out->content_type))};
  }
  bool checks_json_body(std::string_view content_type) const override {
    return mapping_->checks_json_body(content_type);
  }

 private:
  std::shared_ptr<const mapping_transform> mapping_;
};

}  // namespace

result<step_ptr> make_validate_step(const std::filesystem::path& schema_file) {
  std::ifstream in(schema_file);
  if (!in) return make_error("validate.schema_file", "cannot read schema file " + schema_file.string());
  std::stringstream ss;
  ss << in.rdbuf();
  rapidjson::Document doc;
  if (auto err = parse_json_body(ss.str(), doc)) {
    return make_error("validate.schema_file", schema_file.string() + ": " + err->message);
  }
  return std::make_unique<validate_step>(std::make_unique<rapidjson::SchemaDocument>(doc));
}

step_ptr make_filter_step(std::shared_ptr<const message_expression> condition) {
  return std::make_unique<filter_step>(std::move(condition));
}

step_ptr make_split_step(std::shared_ptr<const message_expression> path) {
  return std::make_unique<split_step>(std::move(path));
}

step_ptr make_map_step(std::shared_ptr<const mapping_transform> mapping) {
  return std::make_unique<map_step>(std::move(mapping));
}

}  // namespace simpul::hub
