#pragma once

#include "hub/error.h"

namespace simpul::security {

/// `security/` uses the project's error value (hub/error.h is header-only,
/// so the library stays a leaf). `code` is stable ("tls.cert_file",
/// "jwt.expired"); `message` never holds a secret, a key or personal data.
using simpul::error;
using simpul::make_error;
using simpul::result;

}  // namespace simpul::security
