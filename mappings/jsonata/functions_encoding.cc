// Encoding built-ins ($base64encode/decode, URL encoding) and $eval.

#include <cstring>

#include "mappings/jsonata/builtin_util.h"
#include "mappings/jsonata/parser.h"
#include "mappings/jsonata/registry.h"
#include "mappings/jsonata/utf.h"

namespace simpul::mappings::jsonata {
namespace {

using args_t = std::vector<value>;

const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

value fn_base64encode(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  // each character is one byte of binary data (characters beyond U+00FF
  // keep the low byte of each UTF-16 unit, as the reference does)
  std::string s;
  for (char16_t u : to_utf16(v.as_string())) s += static_cast<char>(u & 0xFF);
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) n |= static_cast<unsigned char>(s[i + 1]) << 8;
    if (i + 2 < s.size()) n |= static_cast<unsigned char>(s[i + 2]);
    out += b64[(n >> 18) & 63];
    out += b64[(n >> 12) & 63];
    out += i + 1 < s.size() ? b64[(n >> 6) & 63] : '=';
    out += i + 2 < s.size() ? b64[n & 63] : '=';
  }
  return value::string(out);
}

value fn_base64decode(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : v.as_string()) {
    const char* p = std::strchr(b64, c);
    if (!p || c == 0) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(p - b64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return value::string(out);
}

[[noreturn]] void malformed_url(const value& v, const char* name, std::int64_t pos) {
  jsonata_exception ex;
  ex.error.code = "D3140";
  ex.error.value = to_json_text(v);
  ex.error.message = std::string("Malformed URL passed to $") + name + "(): " + *ex.error.value;
  ex.error.position = pos;
  ex.error.function_name = name;
  throw ex;
}

value encode_uri(const value& v, std::string_view keep, const char* name, std::int64_t pos) {
  if (v.is_undefined()) return {};
  std::string out;
  std::string_view text = v.as_string();
  // a lone surrogate (kept as WTF-8 from JSON input) cannot be encoded
  for (std::size_t i = 0; i + 1 < text.size(); ++i)
    if (static_cast<unsigned char>(text[i]) == 0xED && (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0xA0)
      malformed_url(v, name, pos);
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos ||
        keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return value::string(out);
}

value decode_uri(const value& v, std::string_view keep, const char* name, std::int64_t pos) {
  if (v.is_undefined()) return {};
  std::string_view s = v.as_string();
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0)
      malformed_url(v, name, pos);
    char c = static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
    if (keep.find(c) != std::string_view::npos && c != 0)
      out.append(s.substr(i, 3));
    else
      out += c;
    i += 2;
  }
  // the decoded bytes must be valid UTF-8
  for (std::size_t i = 0; i < out.size();) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + static_cast<std::size_t>(n) >= out.size() + (n == 0 ? 1 : 0))
      malformed_url(v, name, pos);
    for (int k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(out[i + static_cast<std::size_t>(k)]) & 0xC0) != 0x80)
        malformed_url(v, name, pos);
    i += static_cast<std::size_t>(n) + 1;
  }
  return value::string(out);
}

value fn_encode_url_component(evaluator&, args_t& a, const value&, std::int64_t pos) {
  return encode_uri(arg_at(a, 0), "", "encodeUrlComponent", pos);
}
value fn_encode_url(evaluator&, args_t& a, const value&, std::int64_t pos) {
  return encode_uri(arg_at(a, 0), ";,/?:@&=+$#", "encodeUrl", pos);
}
value fn_decode_url_component(evaluator&, args_t& a, const value&, std::int64_t pos) {
  return decode_uri(arg_at(a, 0), "", "decodeUrlComponent", pos);
}
value fn_decode_url(evaluator&, args_t& a, const value&, std::int64_t pos) {
  return decode_uri(arg_at(a, 0), ";,/?:@&=+$#", "decodeUrl", pos);
}

value fn_eval(evaluator& ev, args_t& a, const value& input, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  std::shared_ptr<node> ast;
  try {
    ast = std::shared_ptr<node>(parse_expression(v.as_string()).release());
  } catch (const jsonata_exception& e) {
    raise_msg("D3120", pos, "Syntax error in expression passed to function eval: " + e.error.message);
  }
  const value& ctx = a.size() > 1 ? a[1] : input;
  try {
    return ev.eval_nested(ast, ctx);
  } catch (const jsonata_exception& e) {
    if (e.error.code == "U1001") throw;
    raise_msg("D3121", pos, "Dynamic error evaluating the expression passed to function eval: " + e.error.message);
  }
}

}  // namespace

void register_encoding_functions(function_registry& r) {
  r.add_native("base64encode", "s-:s", fn_base64encode);
  r.add_native("base64decode", "s-:s", fn_base64decode);
  r.add_native("encodeUrlComponent", "s-:s", fn_encode_url_component);
  r.add_native("encodeUrl", "s-:s", fn_encode_url);
  r.add_native("decodeUrlComponent", "s-:s", fn_decode_url_component);
  r.add_native("decodeUrl", "s-:s", fn_decode_url);
  r.add_native("eval", "sx?:x", fn_eval);
}

}  // namespace simpul::mappings::jsonata
