#include "mappings/formats/ndjson.h"

#include "mappings/formats/json.h"

namespace simpul::mappings::formats {

format_result<ndjson_document> read_ndjson(std::string_view text, bool collect) {
  ndjson_document out;
  out.values.SetArray();
  auto& alloc = out.values.GetAllocator();
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  int line = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    ++line;
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(pos, end - pos);
    pos = end + 1;
    if (content.ends_with('\r')) content.remove_suffix(1);
    if (content.find_first_not_of(" \t") == std::string_view::npos) continue;
    auto doc = parse_json(content);
    if (!doc) {
      format_error e = std::move(doc.error());
      e.line = line;  // content is a single line, so the column holds
      if (!collect) return std::unexpected(std::move(e));
      out.errors.push_back(std::move(e));
      continue;
    }
    rapidjson::Value v;
    v.CopyFrom(*doc, alloc);
    out.values.PushBack(std::move(v), alloc);
  }
  return out;
}

std::string write_ndjson(const rapidjson::Value& values) {
  std::string out;
  if (!values.IsArray()) return write_json(values) + "\n";
  for (const auto& v : values.GetArray()) {
    out += write_json(v);
    out.push_back('\n');
  }
  return out;
}

}  // namespace simpul::mappings::formats
