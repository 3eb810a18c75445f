#include "mappings/formats/xml.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <charconv>
#include <cstdlib>
#include <sstream>
#include <unordered_map>
#include <utility>

#include <pugixml.hpp>

#include "mappings/formats/json.h"

namespace simpul::mappings::formats {
namespace {

// Untrusted documents must not exhaust the stack through recursion.
constexpr int kMaxDepth = 200;

bool all_space(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

bool canonical_number(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

class xml_reader {
 public:
  xml_reader(const xml_read_options& options, rapidjson::Document::AllocatorType& alloc)
      : options_(options), alloc_(alloc) {}

  format_result<rapidjson::Value> element(const pugi::xml_node& node, int depth) {
    if (depth > kMaxDepth) {
      return make_format_error("xml.depth", "elements nested too deeply", 0, 0,
                               "expected at most " + std::to_string(kMaxDepth) + " levels");
    }
    std::string text;
    bool has_children = false;
    for (const auto& child : node.children()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        text += child.value();
      } else if (child.type() == pugi::node_element) {
        has_children = true;
      }
    }
    if (!has_children && node.first_attribute().empty()) return scalar(text);

    rapidjson::Value obj(rapidjson::kObjectType);
    for (const auto& attr : node.attributes()) {
      obj.AddMember(rapidjson::Value(std::string("@") + attr.name(), alloc_), scalar(attr.value()), alloc_);
    }
    if (!all_space(text)) obj.AddMember("#text", scalar(text), alloc_);

    // Group children by name in order of first appearance. The names are
    // looked up in a hash map: a scan of the groups so far made an element
    // with 100,000 differently named children cost 5e9 comparisons (minutes
    // of CPU from one 1 MiB request).
    std::vector<std::pair<std::string_view, std::vector<pugi::xml_node>>> groups;
    std::unordered_map<std::string_view, std::size_t> group_of;
    for (const auto& child : node.children()) {
      if (child.type() != pugi::node_element) continue;
      const std::string_view name = child.name();  // owned by the document
      auto [it, fresh] = group_of.try_emplace(name, groups.size());
      if (fresh) {
        groups.emplace_back(name, std::vector<pugi::xml_node>{child});
      } else {
        groups[it->second].second.push_back(child);
      }
    }
    for (const auto& [name, nodes] : groups) {
      const bool as_array = nodes.size() > 1 || std::find(options_.always_array.begin(),
                                                          options_.always_array.end(),
                                                          name) != options_.always_array.end();
      rapidjson::Value value;
      if (as_array) {
        value.SetArray();
        for (const auto& n : nodes) {
          auto v = element(n, depth + 1);
          if (!v) return v;
          value.PushBack(std::move(*v), alloc_);
        }
      } else {
        auto v = element(nodes.front(), depth + 1);
        if (!v) return v;
        value = std::move(*v);
      }
      obj.AddMember(rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size()), alloc_),
                    std::move(value), alloc_);
    }
    return obj;
  }

 private:
  rapidjson::Value scalar(std::string_view text) {
    if (options_.coerce_types) {
      if (text == "true") return rapidjson::Value(true);
      if (text == "false") return rapidjson::Value(false);
      if (canonical_number(text)) {
        std::int64_t i = 0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
        if (ec == std::errc() && ptr == text.data() + text.size()) return rapidjson::Value(i);
        if (text.find_first_of(".eE") != std::string_view::npos) {
          return rapidjson::Value(std::strtod(std::string(text).c_str(), nullptr));
        }
      }
    }
    return rapidjson::Value(rapidjson::StringRef(text.data(), text.size()), alloc_);
  }

  const xml_read_options& options_;
  rapidjson::Document::AllocatorType& alloc_;
};

bool valid_xml_name(std::string_view name) {
  if (name.empty()) return false;
  auto start_char = [](unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
  };
  if (!start_char(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin() + 1, name.end(), [&](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return start_char(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

bool valid_xml_text(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
  });
}

class xml_writer {
 public:
  format_result<void> member(pugi::xml_node parent, std::string_view name, const rapidjson::Value& v,
                             int depth) {
    if (depth > kMaxDepth) return make_format_error("xml.depth", "JSON nested too deeply for XML output");
    if (name.starts_with('@')) {
      if (v.IsObject() || v.IsArray()) {
        return make_format_error("xml.attribute", "attribute '" + std::string(name) + "' is not a scalar",
                                 0, 0, "expected a string, number, boolean or null");
      }
      const std::string attr(name.substr(1));
      if (!valid_xml_name(attr)) return bad_name(name);
      const std::string text = scalar_text(v);
      if (!valid_xml_text(text)) return bad_text(name);
      parent.append_attribute(attr.c_str()).set_value(text.c_str());
      return {};
    }
    if (name == "#text") {
      const std::string text = scalar_text(v);
      if (!valid_xml_text(text)) return bad_text(name);
      parent.append_child(pugi::node_pcdata).set_value(text.c_str());
      return {};
    }
    if (v.IsArray()) {
      for (const auto& item : v.GetArray()) {
        if (item.IsArray()) {
          return make_format_error("xml.nested_array", "array inside array under '" + std::string(name) + "'",
                                   0, 0, "expected objects or scalars in the array");
        }
        if (auto r = element(parent, name, item, depth); !r) return r;
      }
      return {};
    }
    return element(parent, name, v, depth);
  }

  format_result<void> fill(pugi::xml_node node, const rapidjson::Value& v, int depth) {
    if (v.IsObject()) {
      for (const auto& m : v.GetObject()) {
        const std::string_view key(m.name.GetString(), m.name.GetStringLength());
        if (auto r = member(node, key, m.value, depth + 1); !r) return r;
      }
      return {};
    }
    if (v.IsArray()) return member(node, "item", v, depth + 1);
    const std::string text = scalar_text(v);
    if (!valid_xml_text(text)) return bad_text(node.name());
    if (!text.empty()) node.append_child(pugi::node_pcdata).set_value(text.c_str());
    return {};
  }

 private:
  format_result<void> element(pugi::xml_node parent, std::string_view name, const rapidjson::Value& v,
                              int depth) {
    if (!valid_xml_name(name)) return bad_name(name);
    auto node = parent.append_child(std::string(name).c_str());
    return fill(node, v, depth);
  }

  static std::string scalar_text(const rapidjson::Value& v) {
    if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
    if (v.IsNull()) return {};
    return write_json(v);
  }

  static std::unexpected<format_error> bad_name(std::string_view name) {
    return make_format_error("xml.name", "'" + std::string(name) + "' is not a valid XML name", 0, 0,
                             "expected a letter, '_' or ':' followed by letters, digits, '-', '.', '_' or ':'");
  }
  static std::unexpected<format_error> bad_text(std::string_view name) {
    return make_format_error("xml.char", "value of '" + std::string(name) + "' has a control character", 0, 0,
                             "expected text without characters below U+0020 other than tab, CR, LF");
  }
};

// XML 1.0's Char production: what a character reference may name.
bool xml_char(std::uint64_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

struct bad_reference {
  std::size_t at;  // offset of the '&' in the text
  std::string what;
};

// The first character or entity reference in `text` (a text node or an
// attribute value as written) that pugixml would decode wrongly: it ends the
// text at &#0; (the rest is lost), writes surrogates and code points above
// U+10FFFF as bytes that are not UTF-8, wraps &#4294967361; around to "A",
// and keeps an entity other than the five predefined ones (&e;, declared in
// a DTD or not at all) as literal text. A '&' that starts no reference
// ("A & B") is kept as text, as before.
std::optional<bad_reference> first_bad_reference(std::string_view text) {
  for (std::size_t amp = text.find('&'); amp != std::string_view::npos; amp = text.find('&', amp + 1)) {
    std::size_t i = amp + 1;
    if (i < text.size() && text[i] == '#') {
      const bool hex = i + 1 < text.size() && text[i + 1] == 'x';
      i += hex ? 2 : 1;
      const std::size_t digits = i;
      std::uint64_t cp = 0;
      for (; i < text.size(); ++i) {
        const char c = text[i];
        int d = c >= '0' && c <= '9' ? c - '0' : -1;
        if (hex && d < 0) d = c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) break;
        cp = std::min<std::uint64_t>(cp * (hex ? 16 : 10) + static_cast<unsigned>(d), 0x110000);
      }
      if (i == digits || i >= text.size() || text[i] != ';') continue;  // not a reference
      if (!xml_char(cp)) {
        return bad_reference{amp, "character reference " + std::string(text.substr(amp, i + 1 - amp)) +
                                      " is not a character XML allows"};
      }
      continue;
    }
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' ||
                               text[i] == ':' || text[i] == '-' || text[i] == '.')) {
      ++i;
    }
    if (i == amp + 1 || i >= text.size() || text[i] != ';') continue;  // not a reference
    const auto name = text.substr(amp + 1, i - amp - 1);
    if (name != "amp" && name != "lt" && name != "gt" && name != "quot" && name != "apos") {
      return bad_reference{amp, "entity &" + std::string(name) + "; is not defined"};
    }
  }
  return std::nullopt;
}

// Reads the document once more with references left as written and checks
// each text node and attribute value (CDATA, comments and the DOCTYPE are
// not looked at: references are plain text there).
format_result<void> check_references(std::string_view xml) {
  pugi::xml_document raw;
  const unsigned flags = pugi::parse_default & ~pugi::parse_escapes;
  if (!raw.load_buffer(xml.data(), xml.size(), flags, pugi::encoding_utf8)) return {};  // reported by the caller
  std::vector<pugi::xml_node> todo{raw};
  while (!todo.empty()) {
    const pugi::xml_node node = todo.back();
    todo.pop_back();
    std::optional<bad_reference> bad;
    std::ptrdiff_t base = node.offset_debug();
    if (node.type() == pugi::node_pcdata) {
      bad = first_bad_reference(node.value());
      if (bad) base += static_cast<std::ptrdiff_t>(bad->at);
    } else {
      for (const auto& a : node.attributes()) {
        if ((bad = first_bad_reference(a.value()))) break;  // reported at the element
      }
      // Reversed onto the stack: the first bad reference in the document wins.
      for (auto c = node.last_child(); c; c = c.previous_sibling()) todo.push_back(c);
    }
    if (bad) {
      const auto pos = position_of(xml, static_cast<std::size_t>(std::max<std::ptrdiff_t>(base, 0)));
      return make_format_error("xml.reference", bad->what, pos.line, pos.column,
                               "expected &amp; &lt; &gt; &quot; &apos; or a reference to a character XML allows");
    }
  }
  return {};
}

}  // namespace

format_result<rapidjson::Document> xml_to_json(std::string_view xml, const xml_read_options& options) {
  // pugixml takes the bytes as they come: a Latin-1 "é" (or any byte that
  // is not UTF-8) became a JSON string no reader accepts, forwarded as if
  // it were fine. The document is read as UTF-8, whatever it declares.
  if (const auto at = invalid_utf8_at(xml); at != std::string_view::npos) {
    return std::unexpected(utf8_error(xml, at, "xml.encoding"));
  }
  pugi::xml_document doc;
  const auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    const auto pos = position_of(xml, static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)));
    return make_format_error("xml.syntax", parsed.description(), pos.line, pos.column,
                             "expected well-formed XML 1.0");
  }
  if (xml.find('&') != std::string_view::npos) {
    if (auto refs = check_references(xml); !refs) return std::unexpected(refs.error());
  }
  pugi::xml_node root;
  for (const auto& child : doc.children()) {
    if (child.type() != pugi::node_element) continue;
    if (root) {
      const auto pos = position_of(xml, static_cast<std::size_t>(std::max<std::ptrdiff_t>(child.offset_debug(), 0)));
      return make_format_error("xml.syntax", "second root element <" + std::string(child.name()) + ">",
                               pos.line, pos.column, "expected exactly one root element");
    }
    root = child;
  }
  if (!root) {
    return make_format_error("xml.syntax", "no root element", 1, 1, "expected a root element");
  }
  rapidjson::Document out;
  out.SetObject();
  xml_reader reader(options, out.GetAllocator());
  auto value = reader.element(root, 0);
  if (!value) return std::unexpected(value.error());
  out.AddMember(rapidjson::Value(root.name(), out.GetAllocator()), std::move(*value), out.GetAllocator());
  return out;
}

format_result<std::string> json_to_xml(const rapidjson::Value& json, const xml_write_options& options) {
  pugi::xml_document doc;
  xml_writer writer;
  const bool single_root = json.IsObject() && json.MemberCount() == 1 && !json.MemberBegin()->value.IsArray() &&
                           json.MemberBegin()->name.GetString()[0] != '@' &&
                           std::string_view(json.MemberBegin()->name.GetString()) != "#text";
  if (single_root) {
    const auto& m = *json.MemberBegin();
    if (auto r = writer.member(doc, std::string_view(m.name.GetString(), m.name.GetStringLength()), m.value, 0); !r) {
      return std::unexpected(r.error());
    }
  } else {
    if (!valid_xml_name(options.root_name)) {
      return make_format_error("xml.name", "root name '" + options.root_name + "' is not a valid XML name");
    }
    auto root = doc.append_child(options.root_name.c_str());
    if (auto r = writer.fill(root, json, 0); !r) return std::unexpected(r.error());
  }
  unsigned flags = options.pretty ? pugi::format_indent : pugi::format_raw;
  if (!options.declaration) flags |= pugi::format_no_declaration;
  std::ostringstream out;
  doc.save(out, "  ", flags, pugi::encoding_utf8);
  return out.str();
}

}  // namespace simpul::mappings::formats
