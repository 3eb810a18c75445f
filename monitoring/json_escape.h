#pragma once

#include <string>
#include <string_view>

namespace simpul::monitoring {

/// `s` escaped for use inside a JSON string literal (quotes, backslashes and
/// control characters), without the surrounding quotes. One implementation
/// for log lines, error bodies, sidecar reports and the file input's CSV
/// rows (written as JSON).
std::string json_escape(std::string_view s);

/// Appends `"<escaped s>"` to `out`.
void append_json_string(std::string& out, std::string_view s);

}  // namespace simpul::monitoring
