#pragma once

// Hand-written tokenizer for JSONata expressions (no regex). The parser pulls
// tokens one at a time and says whether a `/` may start a regex literal
// (operand position) or is the division operator.

#include <cstdint>
#include <string>
#include <string_view>

namespace simpul::mappings::jsonata {

enum class token_kind : std::uint8_t { end, op, name, variable, string, number, value, regex };

struct token {
  token_kind kind = token_kind::end;
  std::string text;  // operator, name, variable (without $), decoded string, regex pattern
  double number = 0;
  std::string flags;     // regex flags
  std::int64_t pos = 0;  // position just after the token, as the reference reports
};

class lexer {
 public:
  explicit lexer(std::string_view src) : src_(src) {}
  /// Next token; `regex_allowed` when an operand is expected. Throws
  /// jsonata_exception on a lexical error.
  token next(bool regex_allowed);
  /// After a `<` token: the raw text of a function signature up to the
  /// matching `>` (consumed), e.g. "n-n:n".
  std::string raw_signature();

 private:
  void skip_space_and_comments();
  token scan_string(char quote);
  token scan_number();
  token scan_regex();
  token make(token_kind k, std::string text) const;

  std::string_view src_;
  std::size_t pos_ = 0;
};

}  // namespace simpul::mappings::jsonata
