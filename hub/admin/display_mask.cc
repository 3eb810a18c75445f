#include "hub/admin/display_mask.h"

#include <atomic>
#include <mutex>

#include "mappings/formats/format_error.h"

namespace simpul::hub {
namespace {

std::shared_ptr<const security::masker> default_masker() {
  static const auto m = [] {
    auto made = security::masker::make(security::masking_policy{});
    return made ? std::make_shared<const security::masker>(std::move(*made)) : nullptr;
  }();
  return m;
}

std::mutex g_mu;
std::shared_ptr<const security::masker> g_masker;

std::shared_ptr<const security::masker> current() {
  {
    std::lock_guard lock(g_mu);
    if (g_masker) return g_masker;
  }
  return default_masker();
}

bool looks_like_json(std::string_view s) {
  auto i = s.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && (s[i] == '{' || s[i] == '[');
}

}  // namespace

void set_display_policy(std::shared_ptr<const security::masker> m) {
  std::lock_guard lock(g_mu);
  g_masker = std::move(m);
}

std::string displayable(std::string_view text) {
  auto at = mappings::formats::invalid_utf8_at(text);
  if (at == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  while (at != std::string_view::npos) {
    out.append(text.substr(0, at));
    out += "\xEF\xBF\xBD";  // U+FFFD for the byte that is not UTF-8
    text.remove_prefix(at + 1);
    at = mappings::formats::invalid_utf8_at(text);
  }
  out.append(text);
  return out;
}

std::string mask_for_display(std::string_view body) {
  auto m = current();
  if (!m) return "***";  // no masker could be built: show nothing rather than data
  if (looks_like_json(body)) {
    if (auto masked = m->mask_json_text(body)) return displayable(*masked);
  }
  return displayable(m->mask_text(body));
}

std::string mask_text_for_display(std::string_view text) {
  auto m = current();
  return m ? displayable(m->mask_text(text)) : std::string("***");
}

}  // namespace simpul::hub
