#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "security/masking.h"

namespace simpul::hub {

/// Personal-data masking for everything the hub shows to people: log lines,
/// error messages/reasons, DLQ listings of the admin API.
///
/// One process-wide policy (`hub.masking` in the config, else the default
/// policy: NIK/No. KK, phone, e-mail detectors and the usual name/address
/// keys). Lifecycle: `set_display_policy` at startup (and on reload) swaps an
/// immutable masker; the functions are safe from any thread.

/// Installs `m` (null: back to the default policy).
void set_display_policy(std::shared_ptr<const security::masker> m);

/// A body for display: JSON is masked by the policy (paths, keys,
/// detectors); anything else (XML, CSV, text, JSON that does not parse) by
/// the text detectors.
std::string mask_for_display(std::string_view body);

/// Free text (error reasons, log lines): detectors only.
std::string mask_text_for_display(std::string_view text);

/// `text` with every byte that is not part of valid UTF-8 shown as U+FFFD,
/// so a body refused for its encoding still makes a valid JSON answer (the
/// stored bytes are unchanged; replay uses those). Both masks apply it.
std::string displayable(std::string_view text);

}  // namespace simpul::hub
