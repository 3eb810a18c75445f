#include "hub/config/node.h"

#include <charconv>
#include <cmath>

namespace simpul::config {

const node* node::find(std::string_view key) const {
  for (const auto& e : entries_) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

node* node::find(std::string_view key) {
  for (auto& e : entries_) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

node& node::set(std::string key, node value) {
  if (auto* n = find(key)) {
    *n = std::move(value);
    return *n;
  }
  auto m = value.where();
  entries_.push_back(entry{std::move(key), std::move(m), std::move(value)});
  return entries_.back().value;
}

std::string node::get_string(std::string_view key, std::string fallback) const {
  const node* n = find(key);
  return n && n->is_scalar() ? n->text() : fallback;
}

std::int64_t node::get_int(std::string_view key, std::int64_t fallback) const {
  const node* n = find(key);
  if (!n || !n->is_scalar()) return fallback;
  std::int64_t v = 0;
  const auto& t = n->text();
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && p == t.data() + t.size() ? v : fallback;
}

double node::get_number(std::string_view key, double fallback) const {
  const node* n = find(key);
  if (!n || !n->is_scalar()) return fallback;
  double v = 0;
  const auto& t = n->text();
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return ec == std::errc() && p == t.data() + t.size() ? v : fallback;
}

bool node::get_bool(std::string_view key, bool fallback) const {
  const node* n = find(key);
  if (!n || !n->is_scalar()) return fallback;
  return parse_bool(n->text()).value_or(fallback);
}

std::chrono::milliseconds node::get_duration(std::string_view key,
                                             std::chrono::milliseconds fallback) const {
  const node* n = find(key);
  if (!n || !n->is_scalar()) return fallback;
  return parse_duration(n->text()).value_or(fallback);
}

std::uint64_t node::get_size(std::string_view key, std::uint64_t fallback) const {
  const node* n = find(key);
  if (!n || !n->is_scalar()) return fallback;
  return parse_size(n->text()).value_or(fallback);
}

std::vector<std::string> node::get_strings(std::string_view key) const {
  std::vector<std::string> out;
  const node* n = find(key);
  if (!n) return out;
  if (n->is_scalar()) {
    out.push_back(n->text());
  } else if (n->is_sequence()) {
    for (const auto& i : n->items()) {
      if (i.is_scalar()) out.push_back(i.text());
    }
  }
  return out;
}

result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return make_error("config.bad_duration",
                      "'" + std::string(text) +
                          "' is not a duration (expected a number with a unit: "
                          "250ms, 30s, 5m, 2h, 1d)");
  };
  if (text == "0") return std::chrono::milliseconds(0);
  if (text.empty()) return bad();
  double total_ms = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    double v = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
    if (ec != std::errc() || v < 0) return bad();
    rest.remove_prefix(static_cast<std::size_t>(p - rest.data()));
    std::size_t u = 0;
    while (u < rest.size() && std::isalpha(static_cast<unsigned char>(rest[u]))) ++u;
    auto unit = rest.substr(0, u);
    rest.remove_prefix(u);
    double scale = 0;
    if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60'000;
    else if (unit == "h") scale = 3'600'000;
    else if (unit == "d") scale = 86'400'000;
    else return bad();
    total_ms += v * scale;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(total_ms)));
}

result<std::uint64_t> parse_size(std::string_view text) {
  auto bad = [&] {
    return make_error("config.bad_size",
                      "'" + std::string(text) +
                          "' is not a size (expected bytes or a number with a unit: "
                          "512, 64KiB, 1MiB, 2GiB, 10KB, 1MB)");
  };
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || v < 0) return bad();
  auto unit = text.substr(static_cast<std::size_t>(p - text.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  double scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "KiB") scale = 1024.0;
  else if (unit == "MiB") scale = 1024.0 * 1024;
  else if (unit == "GiB") scale = 1024.0 * 1024 * 1024;
  else if (unit == "KB" || unit == "kB") scale = 1e3;
  else if (unit == "MB") scale = 1e6;
  else if (unit == "GB") scale = 1e9;
  else return bad();
  return static_cast<std::uint64_t>(std::llround(v * scale));
}

std::optional<bool> parse_bool(std::string_view t) {
  if (t == "true" || t == "True" || t == "TRUE" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "False" || t == "FALSE" || t == "no" || t == "off") return false;
  return std::nullopt;
}

}  // namespace simpul::config
