#include "hub/route/json_text.h"

#include <rapidjson/error/en.h>

namespace simpul::hub {

std::optional<step_failure> parse_json_body(std::string_view body, rapidjson::Document& doc) {
  doc.Parse(body.data(), body.size());
  if (!doc.HasParseError()) return std::nullopt;
  std::size_t offset = doc.GetErrorOffset();
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < body.size(); ++i) {
    if (body[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) {
      ++column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return step_failure{"json.malformed",
                      "malformed JSON at line " + std::to_string(line) + ", column " +
                          std::to_string(column) + " (offset " + std::to_string(offset) +
                          "): " + rapidjson::GetParseError_En(doc.GetParseError()),
                      400};
}

bool is_json_content_type(std::string_view ct) {
  auto semi = ct.find(';');
  if (semi != std::string_view::npos) ct = ct.substr(0, semi);
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  if (ct == "application/json" || ct == "text/json") return true;
  return ct.size() > 5 && ct.substr(ct.size() - 5) == "+json";
}

}  // namespace simpul::hub
