#pragma once

#include <string>
#include <string_view>

namespace simpul::monitoring {

/// A last line of defence applied to every log message text: the hub
/// installs personal-data masking (NIK, phone, e-mail) at startup, so what
/// slips past a caller's own masking is still not written in clear.
/// Null: none. Set once at startup; read lock-free by every log call.
using log_text_filter = std::string (*)(std::string_view);
void set_log_text_filter(log_text_filter f);

}  // namespace simpul::monitoring
