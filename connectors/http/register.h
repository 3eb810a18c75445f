#pragma once

namespace simpul::connectors {

class registry;

/// Adds the `http_server` input and the `http_client` output. Also performs
/// libcurl's global initialisation, so call it on the main thread before any
/// I/O thread starts (register_all does).
void register_http(registry& reg);

}  // namespace simpul::connectors
