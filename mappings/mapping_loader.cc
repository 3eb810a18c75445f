// mapping_file::load: YAML -> a compiled, immutable mapping. Errors point at
// file:line:col; a JSONata syntax error points at the failing character
// inside the file, not inside the expression.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <span>

#include <yaml-cpp/yaml.h>

#include "mappings/domain/region_table.h"
#include "mappings/domain/register.h"
#include "mappings/jsonata/json.h"
#include "mappings/mapping_file.h"
#include "mappings/yaml_value.h"

namespace simpul::mappings {

namespace fs = std::filesystem;

class mapping_loader {
 public:
  mapping_loader(const fs::path& path, const mapping_load_options& options)
      : path_(path), file_(path.string()), dir_(path.parent_path()), options_(options) {}

  std::expected<std::shared_ptr<const mapping_file>, mapping_error> run();

 private:
  using fail = std::unexpected<mapping_error>;

  fail error_at(const YAML::Node& n, std::string code, std::string message) const {
    auto m = n.Mark();
    return fail(mapping_error{std::move(code), std::move(message), file_, m.is_null() ? 0 : m.line + 1,
                              m.is_null() ? 0 : m.column + 1});
  }
  fs::path resolve(const std::string& p) const { return fs::path(p).is_absolute() ? fs::path(p) : dir_ / p; }

  std::expected<void, mapping_error> check_keys(const YAML::Node& map, const std::set<std::string>& allowed,
                                                std::string_view where) const;
  std::expected<data_format, mapping_error> read_format(const YAML::Node& n, bool output) const;
  std::expected<jsonata::expression, mapping_error> compile_at(const YAML::Node& n) const;
  std::expected<void, mapping_error> read_lookups(const YAML::Node& n, mapping_file& m) const;
  std::expected<void, mapping_error> read_examples(const YAML::Node& n, mapping_file& m) const;
  std::expected<jsonata::value, mapping_error> read_sample(const YAML::Node& n, const data_format& f) const;

  fs::path path_;
  std::string file_;
  fs::path dir_;
  mapping_load_options options_;
  std::string text_;
};

namespace {

// `$lookup(object, key)` keeps its JSONata meaning beside the mapping's
// `$lookup(table, key)`: the first argument's type tells them apart.
jsonata::value builtin_lookup(const jsonata::value& v, const jsonata::value& key) {
  if (!key.is_string()) return {};
  if (v.is_array()) {
    auto out = jsonata::value::new_array();
    for (const auto& x : v.arr().items) {
      if (const jsonata::value* f = x.get(key.as_string())) out.push(*f);
    }
    // As a JSONata path result: nothing is undefined, one value is itself.
    if (out.arr().items.empty()) return {};
    if (out.arr().items.size() == 1) return out.arr().items.front();
    return out;
  }
  const jsonata::value* f = v.get(key.as_string());
  return f ? *f : jsonata::value{};
}

}  // namespace

std::expected<void, mapping_error> mapping_loader::check_keys(const YAML::Node& map,
                                                              const std::set<std::string>& allowed,
                                                              std::string_view where) const {
  if (!map.IsMap()) return error_at(map, "mapping.schema", std::string(where) + " must be a map");
  for (const auto& kv : map) {
    if (!allowed.contains(kv.first.Scalar())) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return error_at(kv.first, "mapping.schema",
                      "unknown key '" + kv.first.Scalar() + "' in " + std::string(where) + " (expected " + list + ")");
    }
  }
  return {};
}

std::expected<data_format, mapping_error> mapping_loader::read_format(const YAML::Node& n, bool output) const {
  data_format f;
  if (!n) return f;
  auto ok = check_keys(n, {"format", "delimiter", "has_header", "skip_rows", "root"}, output ? "output" : "input");
  if (!ok) return fail(ok.error());
  if (auto k = n["format"]) {
    auto kind = parse_format_kind(k.Scalar());
    if (!kind) return error_at(k, "mapping.schema", kind.error());
    f.type = *kind;
  }
  if (auto d = n["delimiter"]) {
    std::string s = d.Scalar();
    if (s == "\\t" || s == "tab") s = "\t";
    if (s.size() != 1) return error_at(d, "mapping.schema", "delimiter must be one character");
    f.delimiter = s[0];
  }
  if (auto h = n["has_header"]) {
    if (h.Scalar() != "true" && h.Scalar() != "false")
      return error_at(h, "mapping.schema", "has_header must be true or false");
    f.has_header = h.Scalar() == "true";
  }
  if (auto s = n["skip_rows"]) {
    char* end = nullptr;
    long v = std::strtol(s.Scalar().c_str(), &end, 10);
    if (s.Scalar().empty() || *end != '\0' || v < 0)
      return error_at(s, "mapping.schema", "skip_rows must be a non-negative integer");
    f.skip_rows = static_cast<std::size_t>(v);
  }
  if (auto r = n["root"]) f.root = r.Scalar();
  return f;
}

// Compiles the scalar `n`; on a syntax error, maps the character position in
// the expression back to the file (block scalars `|`, quoted and plain).
std::expected<jsonata::expression, mapping_error> mapping_loader::compile_at(const YAML::Node& n) const {
  if (!n.IsScalar()) return error_at(n, "mapping.schema", "expected a JSONata expression (a string)");
  const std::string& src = n.Scalar();
  auto e = jsonata::compile(src);
  if (e) return std::move(*e);
  const auto& err = e.error();
  auto m = n.Mark();
  // Offset of the failing character in the expression: positions are
  // 1-based (the character after which the problem was seen).
  std::size_t off = err.position > 0 ? static_cast<std::size_t>(err.position - 1) : 0;
  off = std::min(off, src.empty() ? 0 : src.size() - 1);
  int eline = 0, ecol = 0;
  for (std::size_t i = 0; i < off; ++i) {
    if (src[i] == '\n') {
      ++eline;
      ecol = 0;
    } else if ((static_cast<unsigned char>(src[i]) & 0xC0) != 0x80) {
      ++ecol;
    }
  }
  int line = m.line + 1, col = m.column + 1;
  char first = m.pos >= 0 && static_cast<std::size_t>(m.pos) < text_.size() ? text_[m.pos] : ' ';
  if (first == '|' || first == '>') {
    // Content starts on the next line, indented like its first non-blank line.
    std::size_t p = text_.find('\n', m.pos);
    int indent = 0;
    int skipped = 1;
    while (p != std::string::npos) {
      std::size_t q = p + 1;
      std::size_t k = q;
      while (k < text_.size() && text_[k] == ' ') ++k;
      if (k < text_.size() && text_[k] != '\n') {
        indent = static_cast<int>(k - q);
        break;
      }
      ++skipped;
      p = text_.find('\n', q);
    }
    line = m.line + 1 + skipped + eline;
    col = indent + ecol + 1;
  } else {
    int quote = (first == '"' || first == '\'') ? 1 : 0;
    line += eline;
    col = eline == 0 ? col + quote + ecol : ecol + 1;
  }
  return fail(mapping_error{err.code, "JSONata syntax: " + err.message, file_, line, col});
}

std::expected<void, mapping_error> mapping_loader::read_lookups(const YAML::Node& n, mapping_file& m) const {
  if (!n.IsMap()) return error_at(n, "mapping.schema", "lookups must be a map of name -> {file, key, value}");
  for (const auto& kv : n) {
    const auto& spec = kv.second;
    auto ok = check_keys(spec, {"file", "key", "value", "normalize", "delimiter"}, "lookup");
    if (!ok) return ok;
    if (!spec["file"] || !spec["key"])
      return error_at(spec, "mapping.schema", "lookup '" + kv.first.Scalar() + "' needs file and key");
    lookup_options opts;
    opts.key_column = spec["key"].Scalar();
    if (spec["value"]) opts.value_column = spec["value"].Scalar();
    if (spec["normalize"]) opts.normalize_keys = spec["normalize"].Scalar() == "true";
    if (spec["delimiter"] && spec["delimiter"].Scalar().size() == 1) opts.csv.delimiter = spec["delimiter"].Scalar()[0];
    auto table = lookup_table::load_file(resolve(spec["file"].Scalar()), opts);
    if (!table) {
      auto fm = spec["file"].Mark();
      return fail(mapping_error{table.error().code, formats::to_string(table.error()), file_, fm.line + 1, fm.column + 1});
    }
    m.lookups_.emplace(kv.first.Scalar(), std::move(*table));
  }
  return {};
}

std::expected<jsonata::value, mapping_error> mapping_loader::read_sample(const YAML::Node& n,
                                                                         const data_format& f) const {
  auto p = resolve(n.Scalar());
  std::ifstream in(p, std::ios::binary);
  if (!in) return error_at(n, "mapping.io", "cannot read " + p.string());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto v = decode(bytes, f);
  if (!v) return error_at(n, v.error().code, p.string() + ": " + formats::to_string(v.error()));
  return std::move(*v);
}

std::expected<void, mapping_error> mapping_loader::read_examples(const YAML::Node& n, mapping_file& m) const {
  if (!n.IsSequence()) return error_at(n, "mapping.schema", "examples must be a list");
  for (const auto& item : n) {
    auto ok = check_keys(item, {"name", "input", "input_file", "expected", "expected_file", "attributes", "headers"},
                         "example");
    if (!ok) return ok;
    mapping_example ex;
    ex.line = item.Mark().line + 1;
    ex.name = item["name"] ? item["name"].Scalar() : "example " + std::to_string(m.examples_.size() + 1);
    // What the hub binds beside the body ($attributes: e.g. the MQTT topic
    // levels; $headers), so a mapping that reads them can be tested offline.
    for (const char* var : {"attributes", "headers"}) {
      if (!item[var]) continue;
      if (!item[var].IsMap()) return error_at(item[var], "mapping.schema", std::string(var) + " must be a map");
      ex.vars.emplace_back(var, yaml_to_value(item[var]));
    }
    if (item["input_file"]) {
      // A mapping without `input:` reads what the message's content type
      // says; a sample file says it with its extension.
      data_format in = m.input_;
      if (!m.input_explicit_) in.type = format_of_extension(item["input_file"].Scalar(), in.type);
      auto v = read_sample(item["input_file"], in);
      if (!v) return fail(v.error());
      ex.input = std::move(*v);
    } else if (item["input"]) {
      ex.input = yaml_to_value(item["input"]);
    }
    if (item["expected_file"]) {
      auto v = read_sample(item["expected_file"], m.output_);
      if (!v) return fail(v.error());
      ex.expected = std::move(*v);
      ex.expected_encoded = m.output_.type != data_format::kind::json;
    } else if (item["expected"]) {
      ex.expected = yaml_to_value(item["expected"]);
    } else {
      return error_at(item, "mapping.schema", "example '" + ex.name + "' needs expected or expected_file");
    }
    m.examples_.push_back(std::move(ex));
  }
  return {};
}

std::expected<std::shared_ptr<const mapping_file>, mapping_error> mapping_loader::run() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return fail(mapping_error{"mapping.io", "cannot read mapping file", file_, 0, 0});
  text_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  YAML::Node root;
  try {
    root = YAML::Load(text_);
  } catch (const YAML::Exception& e) {
    return fail(mapping_error{"mapping.yaml", e.msg, file_, e.mark.line + 1, e.mark.column + 1});
  }
  auto ok = check_keys(root, {"name", "version", "description", "input", "output", "lookups", "expression",
                              "fields", "examples"},
                       "mapping file");
  if (!ok) return fail(ok.error());
  std::shared_ptr<mapping_file> m(new mapping_file());
  m->path_ = path_;
  m->name_ = root["name"] ? root["name"].Scalar() : path_.stem().string();
  if (root["version"]) m->version_ = root["version"].Scalar();
  auto in_fmt = read_format(root["input"], false);
  if (!in_fmt) return fail(in_fmt.error());
  m->input_ = *in_fmt;
  m->input_explicit_ = static_cast<bool>(root["input"]);
  auto out_fmt = read_format(root["output"], true);
  if (!out_fmt) return fail(out_fmt.error());
  m->output_ = *out_fmt;

  if (root["expression"] && root["fields"])
    return error_at(root["fields"], "mapping.schema", "give either expression or fields, not both");
  if (auto e = root["expression"]) {
    auto c = compile_at(e);
    if (!c) return fail(c.error());
    m->expression_ = std::move(*c);
  } else if (auto f = root["fields"]) {
    if (!f.IsMap()) return error_at(f, "mapping.schema", "fields must be a map of key -> JSONata expression");
    for (const auto& kv : f) {
      auto c = compile_at(kv.second);
      if (!c) return fail(c.error());
      const std::string& key = kv.first.Scalar();
      for (const auto& earlier : m->fields_)
        if (earlier.key == key) m->fields_distinct_ = false;  // YAML lets a key repeat: the last value wins
      m->fields_.push_back({key, std::move(*c), jsonata::value::string(key)});
    }
  } else {
    return error_at(root, "mapping.schema", "a mapping needs an expression or fields");
  }

  if (auto l = root["lookups"]) {
    auto r = read_lookups(l, *m);
    if (!r) return fail(r.error());
  }
  fs::path regions = options_.region_tables;
  if (regions.empty()) {
    if (const char* env = std::getenv("SIMPUL_REGION_TABLES"); env && *env) regions = env;
  }
  if (!regions.empty()) {
    auto t = domain::region_table::load(regions);
    if (!t) return fail(mapping_error{t.error().code, t.error().message, regions.string(), 0, 0});
    m->regions_ = std::make_unique<domain::region_table>(std::move(*t));
  }
  m->functions_ = std::make_unique<jsonata::function_registry>();
  auto reg = domain::register_domain_functions(*m->functions_, m->regions_.get());
  if (!reg) return fail(mapping_error{reg.error().code, reg.error().message, file_, 0, 0});
  const auto* tables = &m->lookups_;
  auto lk = m->functions_->add(
      "lookup", "<xj:j>", [tables](std::span<const jsonata::value> args, jsonata::host_error& err) {
        if (args.size() < 2 || args[1].is_undefined()) return jsonata::value{};
        if (!args[0].is_string()) return builtin_lookup(args[0], args[1]);
        auto t = tables->find(args[0].as_string());
        if (t == tables->end()) {
          err.code = "LOOKUP_TABLE";
          err.message = "no lookup table named '" + std::string(args[0].as_string()) + "'";
          return jsonata::value{};
        }
        std::string key;
        if (args[1].is_string()) {
          key = args[1].as_string();
        } else {
          jsonata::write_json(key, args[1]);
        }
        const auto* v = t->second.find(key);
        return v ? jsonata::from_rapidjson(*v) : jsonata::value{};
      });
  if (!lk) return fail(mapping_error{lk.error().code, lk.error().message, file_, 0, 0});
  m->eval_options_.functions = m->functions_.get();
  m->eval_options_.time_limit = options_.time_limit;
  m->eval_options_.max_depth = options_.max_depth;

  if (auto ex = root["examples"]) {
    auto r = read_examples(ex, *m);
    if (!r) return fail(r.error());
  }
  return std::shared_ptr<const mapping_file>(std::move(m));
}

std::expected<std::shared_ptr<const mapping_file>, mapping_error> mapping_file::load(
    const fs::path& path, const mapping_load_options& options) {
  try {
    return mapping_loader(path, options).run();
  } catch (const YAML::Exception& e) {  // yaml-cpp throws on odd node shapes
    return std::unexpected(mapping_error{"mapping.yaml", e.msg, path.string(), e.mark.line + 1, e.mark.column + 1});
  }
}

bool mapping_file::looks_like_mapping(const fs::path& path) {
  try {
    auto root = YAML::LoadFile(path.string());
    return root.IsMap() && (root["expression"] || root["fields"]);
  } catch (const YAML::Exception&) {
    return false;
  }
}

}  // namespace simpul::mappings
