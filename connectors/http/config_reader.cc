#include "connectors/http/config_reader.h"

#include <charconv>

namespace simpul::connectors {

std::string config_reader::default_of(std::string_view key) const {
  for (const auto& f : fields_) {
    if (f.name == key) return f.default_value;
  }
  return {};
}

std::string config_reader::string(std::string_view key) const {
  return node_.get_string(key, default_of(key));
}

std::int64_t config_reader::integer(std::string_view key) const {
  std::int64_t fallback = 0;
  auto d = default_of(key);
  std::from_chars(d.data(), d.data() + d.size(), fallback);
  return node_.get_int(key, fallback);
}

bool config_reader::boolean(std::string_view key) const {
  return node_.get_bool(key, config::parse_bool(default_of(key)).value_or(false));
}

std::chrono::milliseconds config_reader::duration(std::string_view key) const {
  auto fallback = config::parse_duration(default_of(key)).value_or(std::chrono::milliseconds(0));
  return node_.get_duration(key, fallback);
}

std::uint64_t config_reader::size(std::string_view key) const {
  return node_.get_size(key, config::parse_size(default_of(key)).value_or(0));
}

std::vector<std::string> config_reader::strings(std::string_view key) const {
  if (node_.find(key)) return node_.get_strings(key);
  std::vector<std::string> out;
  std::string text = default_of(key);
  std::string_view d = text;
  if (d.size() >= 2 && d.front() == '[' && d.back() == ']') d = d.substr(1, d.size() - 2);
  while (!d.empty()) {
    auto comma = d.find(',');
    auto item = d.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    d.remove_prefix(comma + 1);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> config_reader::string_map(
    std::string_view key) const {
  std::vector<std::pair<std::string, std::string>> out;
  const config::node* m = node_.find(key);
  if (!m || !m->is_map()) return out;
  for (const auto& e : m->entries()) {
    if (e.value.is_scalar()) out.emplace_back(e.key, e.value.text());
  }
  return out;
}

}  // namespace simpul::connectors
