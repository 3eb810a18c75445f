#include "connectors/text_template.h"

#include <cstdio>
#include <ctime>

namespace simpul::connectors {

result<text_template> text_template::parse(std::string_view text) {
  text_template t;
  t.source_ = std::string(text);
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      t.parts_.push_back({part_kind::literal, std::string(text.substr(pos))});
      break;
    }
    if (open > pos) t.parts_.push_back({part_kind::literal, std::string(text.substr(pos, open - pos))});
    auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return make_error("template.unclosed", "'{{' without '}}' in template '" + t.source_ + "'");
    }
    std::string_view name = text.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    part p{part_kind::literal, {}};
    if (name == "id") p.kind = part_kind::id;
    else if (name == "key") p.kind = part_kind::key;
    else if (name == "route") p.kind = part_kind::route;
    else if (name == "source") p.kind = part_kind::source;
    else if (name == "trace_id") p.kind = part_kind::trace_id;
    else if (name == "date") p.kind = part_kind::date;
    else if (name == "time") p.kind = part_kind::time;
    else if (name.starts_with("attr.") && name.size() > 5) {
      p.kind = part_kind::attr;
      p.text = std::string(name.substr(5));
    } else if (name.starts_with("header.") && name.size() > 7) {
      p.kind = part_kind::header;
      p.text = std::string(name.substr(7));
    } else {
      return make_error("template.unknown",
                        "unknown placeholder '{{" + std::string(name) +
                            "}}' (known: id, key, route, source, trace_id, date, time, "
                            "attr.NAME, header.NAME)");
    }
    t.parts_.push_back(std::move(p));
    pos = close + 2;
  }
  return t;
}

namespace {

std::string utc_format(std::chrono::system_clock::time_point tp, const char* fmt) {
  if (tp == std::chrono::system_clock::time_point{}) tp = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(tp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::size_t n = std::strftime(buf, sizeof buf, fmt, &tm);
  return std::string(buf, n);
}

}  // namespace

std::string text_template::render(const message& msg, std::string (*clean)(std::string_view)) const {
  std::string out;
  auto put = [&](std::string_view v) { out += clean ? clean(v) : std::string(v); };
  for (const auto& p : parts_) {
    switch (p.kind) {
      case part_kind::literal: out += p.text; break;
      case part_kind::id: put(msg.id); break;
      case part_kind::key: put(msg.key); break;
      case part_kind::route: put(msg.route); break;
      case part_kind::source: put(msg.source); break;
      case part_kind::trace_id: put(msg.trace_id); break;
      case part_kind::date: put(utc_format(msg.received_at, "%Y-%m-%d")); break;
      case part_kind::time: put(utc_format(msg.received_at, "%H%M%S")); break;
      case part_kind::attr: put(msg.attribute(p.text).value_or("")); break;
      case part_kind::header: put(msg.headers.get(p.text).value_or("")); break;
    }
  }
  return out;
}

}  // namespace simpul::connectors
