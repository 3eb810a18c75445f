#include "mappings/formats/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace simpul::mappings::formats {
namespace {

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

}  // namespace

format_result<rapidjson::Document> parse_json(std::string_view text) {
  rapidjson::Document doc;
  constexpr unsigned flags = rapidjson::kParseFullPrecisionFlag | rapidjson::kParseValidateEncodingFlag;
  doc.Parse<flags>(text.data(), text.size());
  if (doc.HasParseError()) {
    const auto pos = position_of(text, doc.GetErrorOffset());
    return make_format_error("json.syntax", rapidjson::GetParseError_En(doc.GetParseError()), pos.line,
                             pos.column, expectation(doc.GetParseError()));
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
