#pragma once

#include <string>

#include "security/error.h"

namespace simpul::security {

/// The whole file as bytes; error code `<code>` names the path. Used for key,
/// JWKS and audit files, which are small or read offline.
result<std::string> read_whole_file(const std::string& path, const std::string& code);

}  // namespace simpul::security
