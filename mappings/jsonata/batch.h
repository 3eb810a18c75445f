#pragma once

// The conformance batch protocol (see the runner's PROTOCOL.md): one JSON
// request per line on `in` ({id, expr, data?, bindings, timelimit?, depth?}),
// one JSON response per line on `out`, flushed after each. Runs until end of
// input; returns the process exit code.

#include <iosfwd>

namespace simpul::mappings::jsonata {

int run_batch(std::istream& in, std::ostream& out);

}  // namespace simpul::mappings::jsonata
