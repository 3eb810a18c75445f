#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/http/responder.h"
#include "hub/config/host_port.h"
#include "hub/error.h"

namespace simpul::http {

/// `{"error":{"code":..,"message":..},"id":..}` (id omitted when empty).
std::string json_error_body(std::string_view code, std::string_view message,
                            std::string_view id = {});

/// A JSON error response with `X-Request-Id` and `Content-Type` set.
response make_json_error(unsigned status, std::string_view code, std::string_view message,
                         std::string_view request_id, unsigned version = 11,
                         bool keep_alive = false);

/// The bytes Beast's serializer writes before the body of a Content-Length
/// response ("HTTP/x.y ### reason", each field, a blank line), into `out`
/// (replaced). The session sends them and the body in one gather write,
/// without Beast's serializer and its buffer-sequence adaptors (a quarter of
/// a durable request's instructions). False for a chunked response, which
/// is left to Beast.
bool serialize_response_head(const response& res, std::string& out);

/// The trace id of a W3C `traceparent` header (`00-<32 hex>-<16 hex>-<2 hex>`),
/// or nothing when absent or malformed (all-zero ids are invalid).
std::optional<std::string> trace_id_from_traceparent(std::string_view header);

/// A `traceparent` value for an outgoing request carrying `trace_id`, with a
/// fresh span id. A malformed trace id is replaced by a new one.
std::string make_traceparent(std::string_view trace_id);

/// make_traceparent appended to `out` (a header line built in one string).
void append_traceparent(std::string& out, std::string_view trace_id);

/// `host:port` (IPv6 as `[::1]:8080`); port may be 0. One parser for the
/// whole hub: the config validator checks `listen` fields with the same one.
using config::host_port;
using config::parse_host_port;

/// `remote` as host:port, IPv6 as `[::1]:8080` (the `remote` attribute).
std::string endpoint_text(const boost::asio::ip::tcp::endpoint& ep);

/// `Retry-After` as delay-seconds or an HTTP-date, relative to `now`.
/// Nothing when unparseable; a date in the past gives 0.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace simpul::http
