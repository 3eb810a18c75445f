#include "monitoring/json_escape.h"

namespace simpul::monitoring {

void append_json_string(std::string& out, std::string_view s) {
  // Runs of plain text are appended whole; quotes, backslashes and control
  // characters are escaped as RapidJSON's writer does. Hot: the file input
  // writes every CSV field of every row through it.
  static constexpr char hex[] = "0123456789ABCDEF";
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        const char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        out.append(u, sizeof u);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  append_json_string(out, s);
  return out.substr(1, out.size() - 2);
}

}  // namespace simpul::monitoring
