#include "mappings/formats/format_error.h"

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace simpul::mappings::formats {

text_position position_of(std::string_view text, std::size_t offset) {
  text_position p;
  if (offset > text.size()) offset = text.size();
  for (std::size_t i = 0; i < offset; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++p.line;
      p.column = 1;
    } else if (c == '\r') {
      // CRLF counts once, at the LF.
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      ++p.line;
      p.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++p.column;  // continuation bytes do not start a character
    }
  }
  return p;
}

std::size_t invalid_utf8_at(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // ASCII eight bytes at a time: most bodies are ASCII all through, and
    // the JSON body check runs this on every message.
    while (n - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i == n) break;
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // The lead byte gives the length and the range allowed for the second
    // byte (which rules out overlong forms, surrogates and > U+10FFFF).
    std::size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (n - i < len || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

format_error utf8_error(std::string_view text, std::size_t at, std::string code) {
  const auto pos = position_of(text, at);
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", at < text.size() ? static_cast<unsigned char>(text[at]) : 0u);
  return format_error{std::move(code), std::string("invalid UTF-8 (byte ") + byte + ")", pos.line, pos.column,
                      "expected UTF-8 text"};
}

std::string to_string(const format_error& e) {
  std::string s;
  if (e.line > 0) {
    s = "line " + std::to_string(e.line) + ", column " + std::to_string(e.column) + ": ";
  }
  s += e.message;
  if (!e.detail.empty()) s += " (" + e.detail + ")";
  return s;
}

}  // namespace simpul::mappings::formats
