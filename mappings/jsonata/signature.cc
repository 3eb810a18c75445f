#include "mappings/jsonata/signature.h"

#include <algorithm>
#include <array>
#include <span>

#include "mappings/jsonata/error.h"

namespace simpul::mappings::jsonata {
namespace {

char symbol(const value& v) {
  switch (v.kind()) {
    case value_kind::undefined: return 'm';
    case value_kind::null: return 'l';
    case value_kind::boolean: return 'b';
    case value_kind::number: return 'n';
    case value_kind::string: return 's';
    case value_kind::array: return 'a';
    case value_kind::object: return 'o';
    case value_kind::function: return 'f';
  }
  return 'm';
}

bool accepts(const std::string& types, char sym) {
  if (sym == 'm') return types != "f";  // a function parameter must be given a function
  for (char t : types) {
    if (t == sym || t == 'x') return true;
    if (t == 'j' && sym != 'f') return true;
    // a single value is promoted to an array for an array parameter
    if (t == 'a' && sym != 'f') return true;
  }
  return false;
}

bool is_type_char(char c) {
  return c == 'b' || c == 'n' || c == 's' || c == 'l' || c == 'a' || c == 'o' || c == 'f' ||
         c == 'j' || c == 'x' || c == 'u';
}

// Assigns args to params; `counts[i]` is how many args parameter i takes.
bool match(const signature& sig, std::span<const char> syms, std::size_t pi, std::size_t ai,
           std::span<int> counts) {
  if (pi == sig.params.size()) return ai == syms.size();
  const sig_param& p = sig.params[pi];
  if (p.variadic) {
    std::size_t n = 0;
    while (ai + n < syms.size() && accepts(p.types, syms[ai + n])) ++n;
    for (std::size_t k = n; k >= 1; --k) {
      counts[pi] = static_cast<int>(k);
      if (match(sig, syms, pi + 1, ai + k, counts)) return true;
    }
    if (!p.optional) return false;
  } else if (ai < syms.size() && accepts(p.types, syms[ai])) {
    counts[pi] = 1;
    if (match(sig, syms, pi + 1, ai + 1, counts)) return true;
  }
  if (p.optional || p.context) {
    counts[pi] = 0;
    return match(sig, syms, pi + 1, ai, counts);
  }
  return false;
}

}  // namespace

std::shared_ptr<const signature> parse_signature(std::string_view text, std::int64_t pos) {
  auto sig = std::make_shared<signature>();
  sig->text = std::string(text);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ':') break;
    if (is_type_char(c)) {
      sig_param p;
      p.types = std::string(1, c);
      sig->params.push_back(p);
    } else if (c == '(') {
      sig_param p;
      ++i;
      while (i < text.size() && text[i] != ')') {
        if (text[i] == '<') raise("S0402", pos, std::string(1, text[i]));
        p.types += text[i++];
      }
      sig->params.push_back(p);
    } else if (c == '<') {
      if (sig->params.empty() ||
          (sig->params.back().types != "a" && sig->params.back().types != "f"))
        raise("S0401", pos, std::string(1, c));
      int depth = 1;
      std::size_t start = i + 1;
      while (++i < text.size()) {
        if (text[i] == '<') ++depth;
        if (text[i] == '>' && --depth == 0) break;
      }
      if (sig->params.back().types == "a") sig->params.back().sub = std::string(text.substr(start, i - start));
    } else if (c == '?' && !sig->params.empty()) {
      sig->params.back().optional = true;
    } else if (c == '+' && !sig->params.empty()) {
      sig->params.back().variadic = true;
    } else if (c == '-' && !sig->params.empty()) {
      sig->params.back().context = true;
    }
  }
  sig->positional = std::none_of(sig->params.begin(), sig->params.end(), [](const sig_param& p) {
    return p.optional || p.variadic || p.types.find('a') != std::string::npos;
  });
  return sig;
}

void validate_args(const signature& sig, std::vector<value>& args, const value& context,
                   std::string_view fn_name, std::int64_t pos) {
  // The common call: one argument of an accepted type per parameter. The
  // matcher below would take the same assignment first and, with no array
  // parameter, leave `args` as it is.
  if (sig.positional && args.size() == sig.params.size()) {
    std::size_t i = 0;
    while (i < args.size() && accepts(sig.params[i].types, symbol(args[i]))) ++i;
    if (i == args.size()) return;
  }
  // Called for every native call: small signatures use stack buffers.
  constexpr std::size_t small = 16;
  std::array<char, small> syms_buf;
  std::array<int, small> counts_buf{};
  std::vector<char> syms_heap;
  std::vector<int> counts_heap;
  std::span<char> syms(syms_buf.data(), args.size());
  std::span<int> counts(counts_buf.data(), sig.params.size());
  if (args.size() > small) {
    syms_heap.resize(args.size());
    syms = syms_heap;
  }
  if (sig.params.size() > small) {
    counts_heap.assign(sig.params.size(), 0);
    counts = counts_heap;
  }
  for (std::size_t i = 0; i < args.size(); ++i) syms[i] = symbol(args[i]);
  if (!match(sig, syms, 0, 0, counts)) {
    // report the first argument that no parameter at its place accepts
    std::size_t bad = 0;
    for (std::size_t i = 0; i < syms.size(); ++i) {
      bad = i;
      if (i >= sig.params.size() || !accepts(sig.params[i].types, syms[i])) break;
    }
    jsonata_exception ex;
    ex.error.code = "T0410";
    ex.error.position = pos;
    ex.error.token = std::string(fn_name);
    ex.error.message = "Argument " + std::to_string(bad + 1) + " of function " + std::string(fn_name) +
                       " does not match function signature";
    throw ex;
  }
  // a<T>: every item must be a T
  auto check_items = [&](const sig_param& p, const value& arr, std::size_t ai) {
    for (const auto& item : arr.arr().items) {
      if (!accepts(p.sub, symbol(item)) || item.is_undefined()) {
        jsonata_exception ex;
        ex.error.code = "T0412";
        ex.error.position = pos;
        ex.error.token = std::string(fn_name);
        ex.error.message = "Argument " + std::to_string(ai + 1) + " of function " +
                           std::string(fn_name) + " must be an array of " + p.sub;
        throw ex;
      }
    }
  };
  // The common case -- one argument per parameter, no context value put in,
  // no value wrapped into an array -- leaves `args` as it is.
  bool reshape = false;
  {
    std::size_t ai = 0;
    for (std::size_t pi = 0; pi < sig.params.size() && !reshape; ++pi) {
      const sig_param& p = sig.params[pi];
      if (counts[pi] == 0) {
        reshape = p.context;
        continue;
      }
      for (int k = 0; k < counts[pi]; ++k, ++ai) {
        const value& a = args[ai];
        if (p.types == "a" && !a.is_undefined() && !a.is_array()) reshape = true;
      }
    }
  }
  if (!reshape) {
    std::size_t ai = 0;
    for (std::size_t pi = 0; pi < sig.params.size(); ++pi) {
      const sig_param& p = sig.params[pi];
      for (int k = 0; k < counts[pi]; ++k, ++ai) {
        if (p.types != "a" || p.sub.empty() || args[ai].is_undefined()) continue;
        check_items(p, args[ai], ai);
      }
    }
    return;
  }
  std::vector<value> out;
  out.reserve(args.size() + 1);
  std::size_t ai = 0;
  for (std::size_t pi = 0; pi < sig.params.size(); ++pi) {
    const sig_param& p = sig.params[pi];
    if (counts[pi] == 0) {
      if (p.context) {
        if (!context.is_undefined() && !accepts(p.types, symbol(context))) {
          jsonata_exception ex;
          ex.error.code = "T0411";
          ex.error.position = pos;
          ex.error.token = std::string(fn_name);
          ex.error.message = "Context value is not a compatible type with argument " +
                             std::to_string(pi + 1) + " of function " + std::string(fn_name);
          throw ex;
        }
        out.push_back(context);
      }
      // an omitted optional parameter is simply absent
      continue;
    }
    for (int k = 0; k < counts[pi]; ++k, ++ai) {
      value arg = std::move(args[ai]);
      bool array_param = p.types == "a";
      if (array_param && !arg.is_undefined()) {
        if (!arg.is_array()) {
          value wrapped = value::new_array(0, 1);
          wrapped.push(std::move(arg));
          arg = std::move(wrapped);
        }
        if (!p.sub.empty()) check_items(p, arg, ai);
      }
      out.push_back(std::move(arg));
    }
  }
  args = std::move(out);
}

}  // namespace simpul::mappings::jsonata
