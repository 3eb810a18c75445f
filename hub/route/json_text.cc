#include "hub/route/json_text.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "mappings/data_format.h"
#include "mappings/formats/format_error.h"
#include "mappings/formats/json_input.h"

namespace simpul::hub {

step_failure json_body_failure(std::string_view body, std::size_t offset, rapidjson::ParseErrorCode code) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < body.size(); ++i) {
    if (body[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(body[i]) & 0xC0) != 0x80) {
      ++column;  // count characters, not UTF-8 continuation bytes
    }
  }
  std::string where = "at line " + std::to_string(line) + ", column " + std::to_string(column) +
                      " (offset " + std::to_string(offset) + ")";
  if (code == rapidjson::kParseErrorTermination) {  // only the depth check stops a parse
    return step_failure{"json.depth",
                        "JSON nested deeper than " + std::to_string(max_json_body_depth) +
                            " levels of arrays and objects " + where,
                        400};
  }
  return step_failure{"json.malformed",
                      "malformed JSON " + where + ": " + rapidjson::GetParseError_En(code), 400};
}

namespace {

/// Keeps nothing; stops the parse at the first array or object nested more
/// than max_json_body_depth deep.
struct depth_limit : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, depth_limit> {
  std::size_t depth = 0;
  bool StartObject() { return ++depth <= max_json_body_depth; }
  bool EndObject(rapidjson::SizeType) { return --depth, true; }
  bool StartArray() { return ++depth <= max_json_body_depth; }
  bool EndArray(rapidjson::SizeType) { return --depth, true; }
};

// The iterative parser: a recursive one runs out of stack on deeply nested
// input (a 1 MiB body of '[' is a million levels) and takes the hub down.
constexpr unsigned check_flags = rapidjson::kParseIterativeFlag;

}  // namespace

std::optional<step_failure> parse_json_body(std::string_view body, rapidjson::Document& doc) {
  // The depth check first: the Document's destructor is recursive too.
  if (auto err = check_json_body(std::string(body))) return err;
  doc.Parse<check_flags>(body.data(), body.size());
  if (!doc.HasParseError()) return std::nullopt;
  return json_body_failure(body, doc.GetErrorOffset(), doc.GetParseError());
}

std::optional<step_failure> check_json_body(const std::string& body) {
  // The same grammar as Document::Parse (default flags), with a handler that
  // keeps nothing but the nesting depth; the reader's stacks are reused per
  // thread, so a well-formed body costs no allocation. A NUL-terminated
  // StringStream lets RapidJSON scan strings with SIMD; it stops at a NUL
  // exactly as the length-bounded stream of Document::Parse(str, len) does.
  // That stream's one extra, dropping a byte-order mark, is done here too.
  thread_local rapidjson::Reader reader;
  depth_limit handler;
  const std::size_t skip = mappings::formats::json_bom_length(body);
  rapidjson::StringStream in(body.c_str() + skip);
  auto r = reader.Parse<check_flags>(in, handler);
  if (r.IsError()) return json_body_failure(body, r.Offset() + skip, r.Code());
  return check_json_utf8(body);
}

std::optional<step_failure> check_json_utf8(std::string_view body) {
  // The default grammar passes any byte inside a string: a body that is not
  // UTF-8 (a Latin-1 "é") was accepted and forwarded as JSON no reader
  // takes. One more pass, eight ASCII bytes a step, instead of RapidJSON's
  // validating mode, which gives up its SIMD string scan.
  // (After what the BOM skip dropped, as the DOM parse does.)
  const std::size_t skip = mappings::formats::json_bom_length(body);
  if (const auto at = mappings::formats::invalid_utf8_at(body.substr(skip)); at != std::string_view::npos) {
    return json_body_failure(body, at + skip, rapidjson::kParseErrorStringInvalidEncoding);
  }
  return std::nullopt;
}

bool is_json_content_type(std::string_view ct) {
  using mappings::ascii_iequals;
  if (ct == "application/json") return true;  // the usual spelling, at once
  ct = mappings::media_type(ct);
  if (ascii_iequals(ct, "application/json") || ascii_iequals(ct, "text/json")) return true;
  return ct.size() > 5 && ascii_iequals(ct.substr(ct.size() - 5), "+json");
}

}  // namespace simpul::hub
