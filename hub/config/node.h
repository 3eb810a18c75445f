#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/error.h"

namespace simpul::config {

/// Where a config value came from, for `FILE:LINE:COL` messages (1-based).
struct mark {
  std::string file;
  int line = 0;
  int column = 0;
};

struct map_entry;

/// A YAML value with its position. Built by the loader, immutable afterwards
/// and shared (`shared_ptr<const node>`) by the runtime objects built from it.
///
/// Scalars keep their text; typed accessors convert on demand. A scalar that
/// came from `${env:..}`/`${file:..}` is `secret`: its text must never be
/// printed (use `display()`).
class node {
 public:
  enum class kind { null, scalar, sequence, map };

  node() = default;
  node(kind k, mark m) : kind_(k), mark_(std::move(m)) {}

  kind type() const { return kind_; }
  const config::mark& where() const { return mark_; }
  bool is_null() const { return kind_ == kind::null; }
  bool is_scalar() const { return kind_ == kind::scalar; }
  bool is_sequence() const { return kind_ == kind::sequence; }
  bool is_map() const { return kind_ == kind::map; }

  // --- scalars
  const std::string& text() const { return text_; }
  bool secret() const { return secret_; }
  /// The text, or "<secret>" for substituted secrets: safe for logs/errors.
  std::string display() const { return secret_ ? "<secret>" : text_; }
  void set_text(std::string t, bool secret = false) {
    text_ = std::move(t);
    secret_ = secret;
  }

  // --- sequences
  const std::vector<node>& items() const { return items_; }
  std::vector<node>& items() { return items_; }

  // --- maps (insertion order kept: it is the order the user wrote)
  using entry = map_entry;
  const std::vector<entry>& entries() const { return entries_; }
  std::vector<entry>& entries() { return entries_; }
  const node* find(std::string_view key) const;
  node* find(std::string_view key);
  /// Add or replace a key (used to fill defaults).
  node& set(std::string key, node value);

  // --- typed access for factories. The validator has already checked types,
  // so these only fail on programming errors; they return the fallback then.
  std::string get_string(std::string_view key, std::string fallback = {}) const;
  std::int64_t get_int(std::string_view key, std::int64_t fallback = 0) const;
  double get_number(std::string_view key, double fallback = 0) const;
  bool get_bool(std::string_view key, bool fallback = false) const;
  std::chrono::milliseconds get_duration(std::string_view key,
                                         std::chrono::milliseconds fallback = {}) const;
  std::uint64_t get_size(std::string_view key, std::uint64_t fallback = 0) const;
  std::vector<std::string> get_strings(std::string_view key) const;

 private:
  kind kind_ = kind::null;
  config::mark mark_;
  std::string text_;
  bool secret_ = false;
  std::vector<node> items_;
  std::vector<entry> entries_;
};

/// One `key: value` of a map node; `key_mark` points at the key.
struct map_entry {
  std::string key;
  config::mark key_mark;
  node value;
};

using node_ptr = std::shared_ptr<const node>;

/// "250ms", "30s", "5m", "2h", "1d" (also combined: "1m30s"); bare "0" is 0.
result<std::chrono::milliseconds> parse_duration(std::string_view text);
/// "512", "64KiB", "1MiB", "2GiB", "10KB", "1MB" (KB = 1000, KiB = 1024).
result<std::uint64_t> parse_size(std::string_view text);
/// YAML 1.2 core booleans: true/false (also yes/no/on/off for humans).
std::optional<bool> parse_bool(std::string_view text);

}  // namespace simpul::config
