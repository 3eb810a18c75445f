#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace simpul::mappings::formats {

/// A parse or write error in one of the data formats. `line` and `column`
/// are 1-based (column counts UTF-8 characters, not bytes) and point at the
/// first character the reader could not accept; 0 means "no position" (a
/// writer error). `detail` says what was expected there. `code` is stable:
/// "json.syntax", "csv.field_count", "xml.syntax", ...
struct format_error {
  std::string code;
  std::string message;
  int line = 0;
  int column = 0;
  std::string detail;
};

template <class T>
using format_result = std::expected<T, format_error>;

inline std::unexpected<format_error> make_format_error(std::string code, std::string message,
                                                       int line = 0, int column = 0,
                                                       std::string detail = {}) {
  return std::unexpected<format_error>(
      format_error{std::move(code), std::move(message), line, column, std::move(detail)});
}

/// 1-based line and column of byte `offset` in `text`. Lines end at LF, CRLF
/// or a lone CR; columns count UTF-8 code points. Offsets past the end give
/// the position just after the last character.
struct text_position {
  int line = 1;
  int column = 1;
};
text_position position_of(std::string_view text, std::size_t offset);

/// Offset of the first byte that does not start a well-formed UTF-8 sequence
/// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or
/// npos when `text` is all valid UTF-8.
std::size_t invalid_utf8_at(std::string_view text);

/// The error for the bad byte at `at` in `text` (found by invalid_utf8_at):
/// code `code` ("xml.encoding", ...), "invalid UTF-8 (byte 0xE9)", its line
/// and column in `text`.
format_error utf8_error(std::string_view text, std::size_t at, std::string code);

/// "line 3, column 7: message (expected ...)" for logs and CLI output.
std::string to_string(const format_error& e);

}  // namespace simpul::mappings::formats
