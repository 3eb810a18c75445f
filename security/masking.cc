#include "security/masking.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace simpul::security {
namespace {

using keys_t = std::vector<std::string_view>;

void set_string(rapidjson::Value& v, const std::string& s, rapidjson::Document::AllocatorType& a) {
  v.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

std::string number_text(const rapidjson::Value& v) {
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

}  // namespace

result<masker> masker::make(masking_policy policy) {
  masker m;
  for (const std::string& text : policy.paths) {
    std::string_view p = text;
    if (p.starts_with('$')) p.remove_prefix(1);
    path out;
    bool deep = false;
    // A leading "." after "$" is the root step; ".." is a descendant step.
    while (!p.empty()) {
      if (p.starts_with("..")) {
        deep = true;
        p.remove_prefix(2);
      } else if (p.starts_with('.')) {
        p.remove_prefix(1);
      }
      std::size_t end = 0;
      while (end < p.size() && p[end] != '.' && p[end] != '[') ++end;
      std::string key(p.substr(0, end));
      p.remove_prefix(end);
      while (p.starts_with('[')) {
        std::size_t close = p.find(']');
        if (close == std::string_view::npos)
          return make_error("masking.path", "unclosed '[' in path '" + text + "'");
        p.remove_prefix(close + 1);
      }
      if (key.empty()) return make_error("masking.path", "empty step in path '" + text + "'");
      out.push_back(segment{std::move(key), deep});
      deep = false;
    }
    if (out.empty()) return make_error("masking.path", "empty path '" + text + "'");
    m.paths_.push_back(std::move(out));
  }
  m.policy_ = std::move(policy);
  return m;
}

std::string masker::mask_text(std::string_view text) const {
  return pii::mask_text(text, policy_.detect);
}

bool masker::key_in(std::string_view key, const std::vector<std::string>& list) {
  for (const std::string& k : list) {
    if (k.size() != key.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i) {
      char a = key[i];
      if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
      same = a == k[i];
    }
    if (same) return true;
  }
  return false;
}

bool masker::match_from(const path& p, std::size_t si, const keys_t& keys, std::size_t ki) {
  if (si == p.size()) return ki == keys.size();
  auto name_ok = [&](std::size_t k) { return p[si].key == "*" || p[si].key == keys[k]; };
  if (p[si].any_depth) {
    for (std::size_t k = ki; k < keys.size(); ++k)
      if (name_ok(k) && match_from(p, si + 1, keys, k + 1)) return true;
    return false;
  }
  return ki < keys.size() && name_ok(ki) && match_from(p, si + 1, keys, ki + 1);
}

bool masker::path_matches(const keys_t& keys) const {
  for (const path& p : paths_)
    if (match_from(p, 0, keys, 0)) return true;
  return false;
}

void masker::mask_all(rapidjson::Value& v, rapidjson::Document::AllocatorType& a, bool words,
                      int depth) const {
  if (depth > max_depth && (v.IsObject() || v.IsArray())) {
    v.SetString("***", a);
  } else if (v.IsString()) {
    std::string_view s(v.GetString(), v.GetStringLength());
    set_string(v, words ? pii::mask_words(s) : pii::mask_value(s), a);
  } else if (v.IsNumber()) {
    std::string s = number_text(v);
    set_string(v, words ? pii::mask_words(s) : pii::mask_value(s), a);
  } else if (v.IsObject()) {
    for (auto& m : v.GetObject()) mask_all(m.value, a, words, depth + 1);
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray()) mask_all(e, a, words, depth + 1);
  }
}

void masker::walk(rapidjson::Value& v, keys_t& keys, rapidjson::Document::AllocatorType& a,
                  int depth) const {
  if (depth > max_depth && (v.IsObject() || v.IsArray())) {
    // Deeper than any real payload: hide it all rather than recurse further.
    v.SetString("***", a);
    return;
  }
  if (v.IsObject()) {
    for (auto& m : v.GetObject()) {
      std::string_view key(m.name.GetString(), m.name.GetStringLength());
      keys.push_back(key);
      if (path_matches(keys) || key_in(key, policy_.nik_keys)) {
        mask_all(m.value, a, false, depth + 1);
      } else if (key_in(key, policy_.name_keys)) {
        mask_all(m.value, a, true, depth + 1);
      } else {
        walk(m.value, keys, a, depth + 1);
      }
      keys.pop_back();
    }
  } else if (v.IsArray()) {
    for (auto& e : v.GetArray()) walk(e, keys, a, depth + 1);
  } else if (v.IsString()) {
    std::string_view s(v.GetString(), v.GetStringLength());
    auto spans = pii::find(s, policy_.detect);
    if (!spans.empty()) set_string(v, pii::mask_text(s, policy_.detect), a);
  } else if (v.IsUint64() && policy_.detect.nik) {
    std::string s = std::to_string(v.GetUint64());
    if (pii::nik_plausible(s)) set_string(v, pii::mask_nik(s), a);
  }
}

void masker::mask_json(rapidjson::Value& value, rapidjson::Document::AllocatorType& alloc) const {
  keys_t keys;
  walk(value, keys, alloc, 0);
}

rapidjson::Document masker::masked_copy(const rapidjson::Value& value) const {
  rapidjson::Document out;
  out.CopyFrom(value, out.GetAllocator());
  mask_json(out, out.GetAllocator());
  return out;
}

result<std::string> masker::mask_json_text(std::string_view json) const {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) return make_error("masking.json", "payload is not valid JSON");
  mask_json(doc, doc.GetAllocator());
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  doc.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace simpul::security
