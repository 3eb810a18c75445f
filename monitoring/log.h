#pragma once

#include <atomic>
#include <string>
#include <string_view>

namespace simpul::monitoring {

enum class level { trace, debug, info, warn, error, off };

/// One named logger per module (STYLE 10). Lines go to stderr:
///   human: `2026-11-23T10:00:00.123Z INFO  hub [route=lapor msg=01J..] text`
///   json:  {"time":..,"level":..,"logger":..,"route":..,"msg_id":..,"trace_id":..,"message":..}
/// Thread-safe; each line is written with a single write(2).
/// Callers pass already-masked text: the logger never sees raw payloads.
class logger {
 public:
  explicit logger(std::string name) : name_(std::move(name)) {}

  struct ctx {
    std::string_view route;
    std::string_view msg_id;
    std::string_view trace_id;
  };

  bool enabled(level l) const { return l >= threshold(); }
  void log(level l, std::string_view text, ctx c = {}) const;
  void debug(std::string_view t, ctx c = {}) const { log(level::debug, t, c); }
  void info(std::string_view t, ctx c = {}) const { log(level::info, t, c); }
  void warn(std::string_view t, ctx c = {}) const { log(level::warn, t, c); }
  void error(std::string_view t, ctx c = {}) const { log(level::error, t, c); }

  /// Process-wide settings, set once at startup from the config.
  static void set_threshold(level l);
  static level threshold();
  static void set_json(bool on);
  static bool parse_level(std::string_view s, level& out);

 private:
  std::string name_;
};

}  // namespace simpul::monitoring
