#include "hub/route/json_text.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace simpul::hub {
namespace {

step_failure malformed(std::string_view body, std::size_t offset, rapidjson::ParseErrorCode code) {
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
                          "): " + rapidjson::GetParseError_En(code),
                      400};
}

}  // namespace

std::optional<step_failure> parse_json_body(std::string_view body, rapidjson::Document& doc) {
  doc.Parse(body.data(), body.size());
  if (!doc.HasParseError()) return std::nullopt;
  return malformed(body, doc.GetErrorOffset(), doc.GetParseError());
}

std::optional<step_failure> check_json_body(const std::string& body) {
  // The same grammar and flags as Document::Parse (kParseDefaultFlags), with
  // a handler that keeps nothing; the reader's string stack is reused per
  // thread, so a well-formed body costs no allocation. A NUL-terminated
  // StringStream lets RapidJSON scan strings with SIMD; it stops at a NUL
  // exactly as the length-bounded stream of Document::Parse(str, len) does.
  // That stream's one extra is done here the way it does it: it drops a
  // leading 0xEF, then 0xBB, then 0xBF, each if present (a byte-order mark);
  // offsets still count from the first byte of the body.
  thread_local rapidjson::Reader reader;
  rapidjson::BaseReaderHandler<> ignore;
  std::size_t skip = 0;
  for (unsigned char bom : {0xEFu, 0xBBu, 0xBFu}) {
    if (skip < body.size() && static_cast<unsigned char>(body[skip]) == bom) ++skip;
  }
  rapidjson::StringStream in(body.c_str() + skip);
  auto r = reader.Parse(in, ignore);
  if (!r.IsError()) return std::nullopt;
  return malformed(body, r.Offset() + skip, r.Code());
}

bool is_json_content_type(std::string_view ct) {
  auto semi = ct.find(';');
  if (semi != std::string_view::npos) ct = ct.substr(0, semi);
  while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
  if (ct == "application/json" || ct == "text/json") return true;
  return ct.size() > 5 && ct.substr(ct.size() - 5) == "+json";
}

}  // namespace simpul::hub
