#include "mappings/formats/json.h"

#include <charconv>
#include <cstdint>
#include <string_view>

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "mappings/formats/json_input.h"

namespace simpul::mappings::formats {
namespace {

constexpr std::size_t kMaxJsonDepth = 512;

// Hands every parse event to the document, numbers (text) as the integer or
// double RapidJSON would have made of them: integers that fit stay exact.
class number_converter {
 public:
  using Ch = char;
  number_converter(rapidjson::Document& d, bool& too_big) : d_(d), too_big_(too_big) {}
  bool Null() { return d_.Null(); }
  bool Bool(bool b) { return d_.Bool(b); }
  bool Int(int i) { return d_.Int(i); }
  bool Uint(unsigned u) { return d_.Uint(u); }
  bool Int64(std::int64_t i) { return d_.Int64(i); }
  bool Uint64(std::uint64_t u) { return d_.Uint64(u); }
  bool Double(double v) { return d_.Double(v); }
  bool RawNumber(const Ch* s, rapidjson::SizeType n, bool) {
    std::string_view text(s, n);
    if (text.find_first_of(".eE") == std::string_view::npos) {
      const char* end = s + n;
      if (text.front() == '-') {
        std::int64_t i = 0;
        if (auto r = std::from_chars(s, end, i); r.ec == std::errc() && r.ptr == end) return d_.Int64(i);
      } else {
        std::uint64_t u = 0;
        if (auto r = std::from_chars(s, end, u); r.ec == std::errc() && r.ptr == end) return d_.Uint64(u);
      }
    }
    auto v = json_number_to_double(text);
    if (!v) {
      too_big_ = true;
      return false;
    }
    return d_.Double(*v);
  }
  bool String(const Ch* s, rapidjson::SizeType n, bool copy) { return d_.String(s, n, copy); }
  bool StartObject() { return d_.StartObject(); }
  bool Key(const Ch* s, rapidjson::SizeType n, bool copy) { return d_.Key(s, n, copy); }
  bool EndObject(rapidjson::SizeType members) { return d_.EndObject(members); }
  bool StartArray() { return d_.StartArray(); }
  bool EndArray(rapidjson::SizeType items) { return d_.EndArray(items); }

 private:
  rapidjson::Document& d_;
  bool& too_big_;
};

// What the parser wanted at the failing position, in words a mapping author
// can act on.
const char* expectation(rapidjson::ParseErrorCode code) {
  switch (code) {
    case rapidjson::kParseErrorDocumentEmpty: return "expected a JSON value";
    case rapidjson::kParseErrorDocumentRootNotSingular: return "expected end of input after the value";
    case rapidjson::kParseErrorValueInvalid: return "expected a value: object, array, string, number, true, false or null";
    case rapidjson::kParseErrorObjectMissName: return "expected a quoted member name";
    case rapidjson::kParseErrorObjectMissColon: return "expected ':' after the member name";
    case rapidjson::kParseErrorObjectMissCommaOrCurlyBracket: return "expected ',' or '}'";
    case rapidjson::kParseErrorArrayMissCommaOrSquareBracket: return "expected ',' or ']'";
    case rapidjson::kParseErrorStringUnicodeEscapeInvalidHex: return "expected 4 hex digits after \\u";
    case rapidjson::kParseErrorStringUnicodeSurrogateInvalid: return "expected a valid UTF-16 surrogate pair";
    case rapidjson::kParseErrorStringEscapeInvalid: return "expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u";
    case rapidjson::kParseErrorStringMissQuotationMark: return "expected a closing '\"'";
    case rapidjson::kParseErrorStringInvalidEncoding: return "expected valid UTF-8";
    case rapidjson::kParseErrorNumberTooBig: return "expected a number within double range";
    case rapidjson::kParseErrorNumberMissFraction: return "expected digits after '.'";
    case rapidjson::kParseErrorNumberMissExponent: return "expected digits in the exponent";
    default: return "expected valid JSON";
  }
}

// Offset of the first bracket nested deeper than kMaxJsonDepth, or npos.
// RapidJSON's writer and CopyFrom recurse per level, so untrusted input must
// not nest without bound.
std::size_t too_deep_at(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

}  // namespace

format_result<rapidjson::Document> parse_json(std::string_view text) {
  if (const auto at = too_deep_at(text); at != std::string_view::npos) {
    const auto pos = position_of(text, at);
    return make_format_error("json.depth", "JSON nested too deeply", pos.line, pos.column,
                             "expected at most " + std::to_string(kMaxJsonDepth) + " levels of arrays and objects");
  }
  // Numbers come as text and are converted here (json_input.h: RapidJSON's
  // own full-precision conversion crashes on some inputs).
  constexpr unsigned flags =
      rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
  rapidjson::Document doc;
  rapidjson::ParseResult parsed;
  bool too_big = false;
  auto generate = [&](rapidjson::Document& d) {
    number_converter to(d, too_big);
    rapidjson::Reader reader;
    rapidjson::MemoryStream ms(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(ms);  // drops a BOM
    parsed = reader.Parse<flags>(in, to);
    return !parsed.IsError();
  };
  doc.Populate(generate);
  if (parsed.IsError()) {
    auto code = too_big ? rapidjson::kParseErrorNumberTooBig : parsed.Code();
    const auto pos = position_of(text, parsed.Offset());
    return make_format_error("json.syntax", rapidjson::GetParseError_En(code), pos.line, pos.column,
                             expectation(code));
  }
  return doc;
}

std::string write_json(const rapidjson::Value& value, json_style style) {
  rapidjson::StringBuffer buffer;
  if (style == json_style::pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
    writer.SetIndent(' ', 2);
    value.Accept(writer);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
  }
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace simpul::mappings::formats
