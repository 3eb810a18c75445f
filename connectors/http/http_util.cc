#include "connectors/http/http_util.h"

#include <algorithm>
#include <charconv>
#include <ctime>

#include <curl/curl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "hub/message.h"

namespace simpul::http {
namespace bhttp = boost::beast::http;

namespace {

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool all_zero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

}  // namespace

std::string json_error_body(std::string_view code, std::string_view message, std::string_view id) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  if (!id.empty()) {
    w.Key("id");
    w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

response make_json_error(unsigned status, std::string_view code, std::string_view message,
                         std::string_view request_id, unsigned version, bool keep_alive) {
  response res{static_cast<bhttp::status>(status), version};
  res.set(bhttp::field::content_type, "application/json");
  if (!request_id.empty()) res.set("X-Request-Id", request_id);
  res.body() = json_error_body(code, message, request_id);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

bool serialize_response_head(const response& res, std::string& out) {
  if (res.chunked()) return false;
  unsigned v = res.version(), code = res.result_int();
  const char line[13] = {'H', 'T', 'T', 'P', '/', static_cast<char>('0' + v / 10), '.',
                         static_cast<char>('0' + v % 10), ' ',
                         static_cast<char>('0' + code / 100 % 10),
                         static_cast<char>('0' + code / 10 % 10),
                         static_cast<char>('0' + code % 10), ' '};
  out.clear();
  out.append(line, sizeof line);
  out.append(res.reason());
  out.append("\r\n");
  for (const auto& f : res) {
    out.append(f.name_string());
    out.append(": ");
    out.append(f.value());
    out.append("\r\n");
  }
  out.append("\r\n");
  return true;
}

std::optional<std::string> trace_id_from_traceparent(std::string_view h) {
  // version "-" trace-id "-" parent-id "-" flags; future versions may append
  // fields after the flags, so only the prefix is checked strictly.
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  auto version = h.substr(0, 2), trace = h.substr(3, 32), parent = h.substr(36, 16),
       flags = h.substr(53, 2);
  if (!is_lower_hex(version) || version == "ff") return std::nullopt;
  if (version == "00" && h.size() != 55) return std::nullopt;
  if (!is_lower_hex(trace) || all_zero(trace)) return std::nullopt;
  if (!is_lower_hex(parent) || all_zero(parent)) return std::nullopt;
  if (!is_lower_hex(flags)) return std::nullopt;
  return std::string(trace);
}

void append_traceparent(std::string& out, std::string_view trace_id) {
  std::string fresh;
  if (trace_id.size() != 32 || !is_lower_hex(trace_id) || all_zero(trace_id)) {
    fresh = make_trace_id();
    trace_id = fresh;
  }
  out += "00-";
  out += trace_id;
  out += '-';
  append_span_id(out);
  out += "-01";
}

std::string make_traceparent(std::string_view trace_id) {
  std::string out;
  out.reserve(55);
  append_traceparent(out, trace_id);
  return out;
}

std::string endpoint_text(const boost::asio::ip::tcp::endpoint& ep) {
  auto addr = ep.address();
  auto host = addr.to_string();
  if (addr.is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::nullopt;
  std::int64_t seconds = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && p == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    seconds = std::min<std::int64_t>(seconds, 366 * 86'400);  // keep the arithmetic sane
    return std::chrono::milliseconds(seconds * 1000);
  }
  // An HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT"); curl_getdate parses all
  // three formats RFC 9110 allows.
  std::string text(value);
  std::time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  auto delay = std::chrono::system_clock::from_time_t(when) - now;
  if (delay < std::chrono::system_clock::duration::zero()) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(delay);
}

}  // namespace simpul::http
