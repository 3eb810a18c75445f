#include "monitoring/log.h"

#include "monitoring/json_escape.h"
#include "monitoring/log_filter.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace simpul::monitoring {
namespace {

// Process-wide logging settings: written once at startup, read lock-free.
std::atomic<level> g_threshold{level::info};
std::atomic<bool> g_json{false};
std::atomic<log_text_filter> g_filter{nullptr};

const char* name_of(level l) {
  switch (l) {
    case level::trace: return "TRACE";
    case level::debug: return "DEBUG";
    case level::info: return "INFO";
    case level::warn: return "WARN";
    case level::error: return "ERROR";
    case level::off: return "OFF";
  }
  return "?";
}

// Control characters from untrusted input never reach a terminal raw.
void append_sanitized(std::string& out, std::string_view s) {
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    out += (c < 0x20 && c != '\t') ? '?' : ch;
  }
}

std::string now_text() {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

void logger::log(level l, std::string_view text, ctx c) const {
  if (!enabled(l) || l == level::off) return;
  std::string filtered;
  if (auto f = g_filter.load(std::memory_order_acquire)) {
    filtered = f(text);
    text = filtered;
  }
  std::string line;
  line.reserve(128 + text.size());
  if (g_json.load(std::memory_order_relaxed)) {
    line += "{\"time\":\"" + now_text() + "\",\"level\":\"" + name_of(l) + "\",\"logger\":";
    append_json_string(line, name_);
    if (!c.route.empty()) { line += ",\"route\":"; append_json_string(line, c.route); }
    if (!c.msg_id.empty()) { line += ",\"msg_id\":"; append_json_string(line, c.msg_id); }
    if (!c.trace_id.empty()) { line += ",\"trace_id\":"; append_json_string(line, c.trace_id); }
    line += ",\"message\":";
    append_json_string(line, text);
    line += "}\n";
  } else {
    line += now_text();
    line += ' ';
    line += name_of(l);
    line += ' ';
    line += name_;
    if (!c.route.empty() || !c.msg_id.empty() || !c.trace_id.empty()) {
      line += " [";
      bool first = true;
      auto field = [&](const char* k, std::string_view v) {
        if (v.empty()) return;
        if (!first) line += ' ';
        first = false;
        line += k;
        line += '=';
        append_sanitized(line, v);
      };
      field("route", c.route);
      field("msg", c.msg_id);
      field("trace", c.trace_id);
      line += ']';
    }
    line += ' ';
    append_sanitized(line, text);
    line += '\n';
  }
  // One write per line keeps lines whole across threads.
  [[maybe_unused]] auto n = ::write(2, line.data(), line.size());
}

void logger::set_threshold(level l) { g_threshold.store(l); }

void set_log_text_filter(log_text_filter f) { g_filter.store(f, std::memory_order_release); }
level logger::threshold() { return g_threshold.load(std::memory_order_relaxed); }
void logger::set_json(bool on) { g_json.store(on); }

bool logger::parse_level(std::string_view s, level& out) {
  if (s == "trace") out = level::trace;
  else if (s == "debug") out = level::debug;
  else if (s == "info") out = level::info;
  else if (s == "warn") out = level::warn;
  else if (s == "error") out = level::error;
  else if (s == "off") out = level::off;
  else return false;
  return true;
}

}  // namespace simpul::monitoring
