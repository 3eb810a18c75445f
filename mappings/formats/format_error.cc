#include "mappings/formats/format_error.h"

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
