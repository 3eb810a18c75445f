#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace simpul::config {

/// The candidate closest to `word` by edit distance, if it is close enough
/// to be a plausible typo ("did you mean 'listen'?").
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

/// "a, b, c" — for "(expected one of: ...)".
std::string join_names(const std::vector<std::string>& names);

}  // namespace simpul::config
