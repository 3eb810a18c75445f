#pragma once

// Small UTF-8 and Unicode-digit helpers shared by the picture formatters.
// Pictures are analysed as code points because their markers (digits of
// other scripts, per-mille, separators) are often outside ASCII.

#include <optional>
#include <string>
#include <string_view>

namespace simpul::mappings::jsonata::picture::detail {

/// Decodes UTF-8; an invalid byte becomes U+FFFD so analysis never fails on it.
std::u32string decode_utf8(std::string_view text);

void append_utf8(std::string& out, char32_t cp);
std::string encode_utf8(std::u32string_view text);

/// The zero of the Unicode decimal-digit (Nd) family holding `cp`, if any.
std::optional<char32_t> digit_family_zero(char32_t cp);

/// ASCII-only case folding: the names and words we match are English.
char32_t ascii_lower(char32_t cp);
char32_t ascii_upper(char32_t cp);
std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);

}  // namespace simpul::mappings::jsonata::picture::detail
