#pragma once

#include <string_view>

#include "hub/admin/admin_api.h"

namespace simpul::hub {

class hub;

/// The dead-letter endpoints of the admin API (all need the admin token):
///   GET    /admin/dlq?route=&reason=&limit=&after=   summaries, no bodies
///   GET    /admin/dlq/<id>                           one entry, message body included
///   POST   /admin/dlq/replay   {"ids":[..]} | {"route":..,"reason":..} | {"all":true}
///                               optional "remap":true (delivery failures: map the
///                               original again with the route's current steps)
///   DELETE /admin/dlq?route=&reason=&confirm=true    purge matching entries
///   DELETE /admin/dlq/<id>?confirm=true              purge one
/// Replay hands each entry to its route as configured now (`route::replay`)
/// and removes it from the DLQ only once the spool holds it again; entries
/// that fail stay, with their error in the answer, and do not stop the
/// others. Purge without `confirm=true` is refused (400).
///
/// Threading: runs on the admin listener's io thread and waits there for the
/// spool and DLQ flushes (milliseconds; the spool writer is its own thread).
admin_api::response handle_dlq(hub& h, std::string_view method, std::string_view path,
                               std::string_view query, std::string_view body);

}  // namespace simpul::hub
