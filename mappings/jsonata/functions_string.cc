// String built-ins: $string, $length, $substring..., $split, $join,
// $match, $replace, $contains, $pad, $trim, $eval.

#include <locale.h>
#include <wctype.h>

#include <cmath>

#include "mappings/jsonata/builtin_util.h"
#include "mappings/jsonata/regex.h"
#include "mappings/jsonata/registry.h"
#include "mappings/jsonata/utf.h"

namespace simpul::mappings::jsonata {
namespace {

using args_t = std::vector<value>;

// Code points of a UTF-8 string, as byte offsets (with the end appended).
std::vector<std::size_t> code_point_offsets(std::string_view s) {
  std::vector<std::size_t> offs;
  offs.reserve(s.size() + 1);
  for (std::size_t i = 0; i < s.size();) {
    offs.push_back(i);
    decode_utf8(s, i);
  }
  offs.push_back(s.size());
  return offs;
}

std::size_t code_point_count(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

value fn_string(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  if (v.is_string()) return v;
  bool pretty = arg_at(a, 1).is_bool() && arg_at(a, 1).as_bool();
  return value::string(to_jsonata_string(v, pretty));
}

value fn_length(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  return value::number(static_cast<double>(code_point_count(v.as_string())));
}

value fn_substring(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  std::string_view s = v.as_string();
  auto offs = code_point_offsets(s);
  double len = static_cast<double>(offs.size() - 1);
  double start = arg_at(a, 1).as_number();
  if (start < 0) start = std::max(0.0, len + start);
  double count = arg_at(a, 2).is_undefined() ? len : arg_at(a, 2).as_number();
  if (count <= 0 || start >= len) return value::string("");
  double end = std::min(len, start + count);
  auto b = static_cast<std::size_t>(start), e = static_cast<std::size_t>(end);
  return value::string(s.substr(offs[b], offs[e] - offs[b]));
}

value fn_substring_before(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  std::string_view s = v.as_string(), chars = arg_at(a, 1).as_string();
  auto at = s.find(chars);
  return at == std::string_view::npos ? v : value::string(s.substr(0, at));
}

value fn_substring_after(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  std::string_view s = v.as_string(), chars = arg_at(a, 1).as_string();
  auto at = s.find(chars);
  return at == std::string_view::npos ? v : value::string(s.substr(at + chars.size()));
}

// Case mapping: the full Unicode simple mappings from the C.UTF-8 locale
// (glibc), falling back to a table of the common alphabets where that
// locale is missing; plus the special cases JavaScript's toUpperCase and
// toLowerCase apply (sharp s, dotted capital I, final sigma).
locale_t utf8_ctype() {
  static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return loc;
}

std::uint32_t table_upper(std::uint32_t c) {
  if ((c >= 0xE0 && c <= 0xFE && c != 0xF7)) return c - 0x20;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F) {
    bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_lower ? (c % 2 == 0) : (c % 2 == 1)) return c - 1;
    return c;
  }
  if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2) return c - 0x20;
  if (c >= 0x430 && c <= 0x44F) return c - 0x20;
  if (c >= 0x450 && c <= 0x45F) return c - 0x50;
  return c;
}

std::uint32_t table_lower(std::uint32_t c) {
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
  if (c == 0x178) return 0xFF;
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F) {
    bool odd_lower = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_lower ? (c % 2 == 1) : (c % 2 == 0)) return c + 1;
    return c;
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

std::uint32_t to_upper_cp(std::uint32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c < 0x80) return c;
  if (locale_t loc = utf8_ctype()) return static_cast<std::uint32_t>(towupper_l(static_cast<wint_t>(c), loc));
  return table_upper(c);
}

std::uint32_t to_lower_cp(std::uint32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if (locale_t loc = utf8_ctype()) return static_cast<std::uint32_t>(towlower_l(static_cast<wint_t>(c), loc));
  return table_lower(c);
}

bool is_cased_letter(std::uint32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  if (locale_t loc = utf8_ctype()) return iswalpha_l(static_cast<wint_t>(c), loc);
  return table_upper(c) != c || table_lower(c) != c;
}

value map_case(const value& v, bool upper) {
  if (v.is_undefined()) return {};
  std::string_view in = v.as_string();
  std::string out;
  out.reserve(in.size());
  bool after_letter = false;
  for (std::size_t i = 0; i < in.size();) {
    auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      out += static_cast<char>(upper ? to_upper_cp(c) : to_lower_cp(c));
      after_letter = is_cased_letter(c);
      ++i;
      continue;
    }
    std::uint32_t cp = decode_utf8(in, i);
    static const char* const ligatures[] = {"FF", "FI", "FL", "FFI", "FFL", "ST", "ST"};
    if (upper && cp == 0xDF) {
      out += "SS";
    } else if (upper && cp >= 0xFB00 && cp <= 0xFB06) {
      out += ligatures[cp - 0xFB00];
    } else if (!upper && cp == 0x130) {
      out += "i\xCC\x87";  // i + combining dot above
    } else if (!upper && cp == 0x3A3) {
      // final sigma: after a letter and not before one
      std::size_t j = i;
      bool before_letter = j < in.size() && is_cased_letter(decode_utf8(in, j));
      append_utf8(out, after_letter && !before_letter ? 0x3C2 : 0x3C3);
    } else {
      append_utf8(out, upper ? to_upper_cp(cp) : to_lower_cp(cp));
    }
    after_letter = is_cased_letter(cp);
  }
  return value::string(out);
}

value fn_uppercase(evaluator&, args_t& a, const value&, std::int64_t) { return map_case(arg_at(a, 0), true); }

value fn_lowercase(evaluator&, args_t& a, const value&, std::int64_t) { return map_case(arg_at(a, 0), false); }

value fn_trim(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  std::string out;
  bool space = false;
  for (char c : v.as_string()) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
    } else {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
  }
  return value::string(out);
}

value fn_pad(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  std::string s(v.as_string());
  double width = arg_at(a, 1).as_number();
  std::string ch = arg_at(a, 2).is_undefined() ? " " : std::string(arg_at(a, 2).as_string());
  if (ch.empty()) ch = " ";
  auto len = static_cast<double>(code_point_count(s));
  double need = std::abs(width) - len;
  if (need <= 0) return v;
  auto pad_offs = code_point_offsets(ch);
  std::size_t pad_cps = pad_offs.size() - 1;
  std::string padding;
  for (std::size_t i = 0; i < static_cast<std::size_t>(need); ++i) {
    std::size_t k = i % pad_cps;
    padding.append(ch, pad_offs[k], pad_offs[k + 1] - pad_offs[k]);
  }
  return value::string(width > 0 ? s + padding : padding + s);
}

// Finds matches of a string or regex pattern: (byte start, byte end, groups).
struct found {
  std::size_t start, end;
  std::vector<std::optional<std::string>> groups;
};

bool is_regex(const value& v) { return v.is_function() && v.fn().kind == fn_kind::regex; }

// A custom matcher: function($str) returning {match, start, end, groups, next}.
std::vector<found> run_matcher(evaluator& ev, std::string_view s, const value& fn, std::size_t limit,
                               std::int64_t pos, const char* name) {
  std::vector<found> out;
  auto offs = code_point_offsets(s);
  auto byte_at = [&](const value* v) {
    double i = v->as_number();
    if (i < 0) i = 0;
    auto k = std::min(static_cast<std::size_t>(i), offs.size() - 1);
    return offs[k];
  };
  std::vector<value> args;
  args.push_back(value::string(s));
  value r = ev.apply(fn, std::move(args), value(), pos);
  while (!r.is_undefined() && out.size() < limit) {
    const value* m = r.get("match");
    const value* st = r.get("start");
    const value* en = r.get("end");
    const value* gr = r.get("groups");
    if (!r.is_object() || !m || !m->is_string() || !st || !st->is_number() || !en || !en->is_number() ||
        !gr || !gr->is_array())
      raise("T1010", pos, name);
    found f{byte_at(st), byte_at(en), {}};
    for (const auto& g : gr->arr().items)
      f.groups.emplace_back(g.is_string() ? std::optional<std::string>(std::string(g.as_string())) : std::nullopt);
    out.push_back(std::move(f));
    const value* next = r.get("next");
    if (!next || !next->is_function()) break;
    r = ev.apply(*next, {}, value(), pos);
  }
  return out;
}

std::vector<found> find_all(evaluator& ev, std::string_view s, const value& pattern, std::size_t limit,
                            std::int64_t pos, const char* name = "") {
  std::vector<found> out;
  if (pattern.is_function() && !is_regex(pattern)) return run_matcher(ev, s, pattern, limit, pos, name);
  if (pattern.is_string()) {
    std::string_view p = pattern.as_string();
    if (p.empty()) return out;
    for (std::size_t at = s.find(p); at != std::string_view::npos && out.size() < limit; at = s.find(p, at + p.size()))
      out.push_back({at, at + p.size(), {}});
    return out;
  }
  const regex_program& re = *pattern.fn().re;
  std::size_t from = 0;
  while (out.size() < limit && from <= s.size()) {
    auto m = re.find(s, from);
    if (!m) break;
    if (m->end == m->start) raise("D1004", pos, "", re.pattern);
    from = m->end;
    out.push_back({m->start, m->end, std::move(m->groups)});
  }
  return out;
}

std::size_t limit_arg(const value& v, const char* code, std::int64_t pos) {
  if (v.is_undefined()) return SIZE_MAX;
  if (v.as_number() < 0) raise(code, pos, "", to_json_text(v));
  return static_cast<std::size_t>(v.as_number());
}

value fn_contains(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  const value& p = arg_at(a, 1);
  if (p.is_string()) return value::boolean(v.as_string().find(p.as_string()) != std::string_view::npos);
  if (!p.is_function()) raise_msg("T0410", pos, "Argument 2 of function contains does not match function signature", "contains");
  return value::boolean(!find_all(ev, v.as_string(), p, 1, pos, "contains").empty());
}

value fn_split(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  std::string_view s = v.as_string();
  const value& sep = arg_at(a, 1);
  if (!sep.is_string() && !sep.is_function()) raise_msg("T0410", pos, "Argument 2 of function split does not match function signature", "split");
  std::size_t limit = limit_arg(arg_at(a, 2), "D3020", pos);
  value out = value::new_array();
  if (sep.is_string() && sep.as_string().empty()) {
    auto offs = code_point_offsets(s);
    for (std::size_t i = 0; i + 1 < offs.size() && out.size() < limit; ++i)
      out.push(value::string(s.substr(offs[i], offs[i + 1] - offs[i])));
    return out;
  }
  std::size_t last = 0;
  for (const auto& f : find_all(ev, s, sep, SIZE_MAX, pos, "split")) {
    if (out.size() >= limit) break;
    out.push(value::string(s.substr(last, f.start - last)));
    last = f.end;
  }
  if (out.size() < limit) out.push(value::string(s.substr(last)));
  return out;
}

value fn_join(evaluator&, args_t& a, const value&, std::int64_t) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  std::string_view sep = arg_at(a, 1).is_undefined() ? std::string_view() : arg_at(a, 1).as_string();
  std::string out;
  bool first = true;
  for (const auto& item : v.arr().items) {
    if (!first) out += sep;
    first = false;
    out += item.as_string();
  }
  return value::string(out);
}

// An unmatched optional group is null in $match results (JSON's rendering
// of the reference's undefined) and "" for a $replace callback, where it is
// concatenated.
value match_object(std::string_view s, const found& f, bool unmatched_null) {
  value o = value::new_object();
  o.set(value::string("match"), value::string(s.substr(f.start, f.end - f.start)));
  o.set(value::string("index"), value::number(static_cast<double>(code_point_count(s.substr(0, f.start)))));
  value groups = value::new_array();
  for (const auto& g : f.groups)
    groups.push(g ? value::string(*g) : unmatched_null ? value::null() : value::string(""));
  o.set(value::string("groups"), groups);
  return o;
}

value fn_match(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  if (!arg_at(a, 1).is_function()) raise_msg("T0410", pos, "Argument 2 of function match does not match function signature", "match");
  std::size_t limit = limit_arg(arg_at(a, 2), "D3040", pos);
  std::string_view s = v.as_string();
  value out = value::new_sequence();
  for (const auto& f : find_all(ev, s, arg_at(a, 1), limit, pos, "match")) out.push(match_object(s, f, true));
  return out;
}

void substitute(std::string& out, std::string_view repl, std::string_view s, const found& f) {
  for (std::size_t i = 0; i < repl.size(); ++i) {
    char c = repl[i];
    if (c != '$' || i + 1 >= repl.size()) {
      out += c;
      continue;
    }
    char d = repl[i + 1];
    if (d == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (d < '0' || d > '9') {
      out += c;
      continue;
    }
    std::size_t j = i + 1;
    while (j < repl.size() && repl[j] >= '0' && repl[j] <= '9') ++j;
    std::string digits(repl.substr(i + 1, j - i - 1));
    while (digits.size() > 1 && std::stoul(digits) > f.groups.size()) digits.pop_back();
    std::size_t g = std::stoul(digits);
    if (g == 0) {
      out += s.substr(f.start, f.end - f.start);
    } else if (g <= f.groups.size()) {
      if (f.groups[g - 1]) out += *f.groups[g - 1];
    }
    i += digits.size();
  }
}

value fn_replace(evaluator& ev, args_t& a, const value&, std::int64_t pos) {
  const value& v = arg_at(a, 0);
  if (v.is_undefined()) return {};
  const value& pattern = arg_at(a, 1);
  const value& repl = arg_at(a, 2);
  if (pattern.is_string() && pattern.as_string().empty()) raise("D3010", pos, "", "");
  if (!pattern.is_string() && !pattern.is_function())
    raise_msg("T0410", pos, "Argument 2 of function replace does not match function signature", "replace");
  if (!repl.is_string() && !repl.is_function())
    raise_msg("T0410", pos, "Argument 3 of function replace does not match function signature", "replace");
  std::size_t limit = limit_arg(arg_at(a, 3), "D3011", pos);
  std::string_view s = v.as_string();
  std::string out;
  std::size_t last = 0;
  for (const auto& f : find_all(ev, s, pattern, limit, pos, "replace")) {
    out += s.substr(last, f.start - last);
    if (repl.is_string()) {
      substitute(out, repl.as_string(), s, f);
    } else {
      std::vector<value> cargs;
      cargs.push_back(match_object(s, f, false));
      value r = ev.apply(repl, std::move(cargs), value(), pos);
      if (!r.is_string()) raise("D3012", pos, "", to_json_text(r));
      out += r.as_string();
    }
    last = f.end;
  }
  out += s.substr(last);
  return value::string(out);
}

}  // namespace

void register_string_functions(function_registry& r) {
  r.add_native("string", "x-b?:s", fn_string);
  r.add_native("length", "s-:n", fn_length);
  r.add_native("substring", "s-nn?:s", fn_substring);
  r.add_native("substringBefore", "s-s:s", fn_substring_before);
  r.add_native("substringAfter", "s-s:s", fn_substring_after);
  r.add_native("uppercase", "s-:s", fn_uppercase);
  r.add_native("lowercase", "s-:s", fn_lowercase);
  r.add_native("trim", "s-:s", fn_trim);
  r.add_native("pad", "s-ns?:s", fn_pad);
  r.add_native("contains", "s-(sf):b", fn_contains);
  r.add_native("split", "s-(sf)n?:a<s>", fn_split);
  r.add_native("join", "a<s>s?:s", fn_join);
  r.add_native("match", "s-f<s:o>n?:a<o>", fn_match);
  r.add_native("replace", "s-(sf)(sf)n?:s", fn_replace);
}

}  // namespace simpul::mappings::jsonata
