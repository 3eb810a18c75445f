#pragma once

// Regular expressions of JSONata (`/pattern/flags`) on PCRE2, compiled once
// at parse time and shared read-only by concurrent evaluations.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simpul::mappings::jsonata {

struct regex_match {
  std::size_t start = 0;  // byte offsets into the subject
  std::size_t end = 0;
  std::vector<std::optional<std::string>> groups;  // capture groups 1..n
};

struct regex_program {
  regex_program() = default;
  regex_program(const regex_program&) = delete;
  regex_program& operator=(const regex_program&) = delete;
  ~regex_program();

  /// First match at or after byte `from`.
  std::optional<regex_match> find(std::string_view subject, std::size_t from) const;

  std::string pattern;
  std::string flags;
  void* code = nullptr;  // pcre2_code_8
};

/// nullptr when the pattern does not compile.
std::shared_ptr<const regex_program> compile_regex(std::string_view pattern, std::string_view flags);

}  // namespace simpul::mappings::jsonata
