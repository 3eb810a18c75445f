#include "mappings/value_diff.h"

#include <algorithm>
#include <cctype>

#include "mappings/jsonata/json.h"

namespace simpul::mappings {
namespace {

namespace js = jsonata;

std::string show(const js::value& v) {
  if (v.is_undefined()) return "(nothing)";
  std::string s;
  js::write_json(s, v);
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

bool is_identifier(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return !std::isdigit(static_cast<unsigned char>(k[0]));
}

struct differ {
  std::vector<std::string> out;
  std::size_t limit;

  void add(const std::string& path, const js::value& e, const js::value& g) {
    if (out.size() < limit) out.push_back(path + ": expected " + show(e) + ", got " + show(g));
  }

  void walk(const std::string& path, const js::value& e, const js::value& g) {
    if (out.size() >= limit) return;
    if (e.kind() != g.kind()) return add(path, e, g);
    switch (e.kind()) {
      case js::value_kind::undefined:
      case js::value_kind::null: return;
      case js::value_kind::boolean:
        if (e.as_bool() != g.as_bool()) add(path, e, g);
        return;
      case js::value_kind::number:
        if (e.as_number() != g.as_number()) add(path, e, g);
        return;
      case js::value_kind::string:
        if (e.as_string() != g.as_string()) add(path, e, g);
        return;
      case js::value_kind::function: return;
      case js::value_kind::array: {
        std::size_t n = std::max(e.size(), g.size());
        for (std::size_t i = 0; i < n; ++i) {
          js::value none;
          walk(path + "[" + std::to_string(i) + "]", i < e.size() ? e[i] : none,
               i < g.size() ? g[i] : none);
        }
        return;
      }
      case js::value_kind::object: {
        auto child = [&](std::string_view k) {
          return is_identifier(k) ? path + "." + std::string(k) : path + ".`" + std::string(k) + "`";
        };
        js::value none;
        for (const auto& [k, ev] : e.obj().entries) {
          const js::value* gv = g.get(k.as_string());
          walk(child(k.as_string()), ev, gv ? *gv : none);
        }
        for (const auto& [k, gv] : g.obj().entries) {
          if (!e.get(k.as_string()) && !gv.is_undefined()) add(child(k.as_string()), none, gv);
        }
        return;
      }
    }
  }
};

}  // namespace

std::vector<std::string> value_diff(const js::value& expected, const js::value& got,
                                    std::size_t limit) {
  differ d{{}, limit};
  d.walk("$", expected, got);
  return std::move(d.out);
}

}  // namespace simpul::mappings
