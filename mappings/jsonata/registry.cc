#include "mappings/jsonata/registry.h"

#include "mappings/jsonata/signature.h"

namespace simpul::mappings::jsonata {

function_registry::function_registry() : parent_(&builtins()) {}

function_registry::function_registry(builtin_tag) {
  register_string_functions(*this);
  register_encoding_functions(*this);
  register_numeric_functions(*this);
  register_collection_functions(*this);
  register_hof_functions(*this);
  register_datetime_functions(*this);
}

const function_registry& function_registry::builtins() {
  static const function_registry instance{builtin_tag{}};
  return instance;
}

const value* function_registry::find(std::string_view name) const {
  for (const function_registry* r = this; r; r = r->parent_) {
    auto it = r->values_.find(name);
    if (it != r->values_.end()) return &it->second;
  }
  return nullptr;
}

void function_registry::add_native(std::string name, std::string_view signature_text, native_impl impl) {
  auto def = std::make_unique<builtin_def>();
  def->name = name;
  def->sig = parse_signature(signature_text, 0);
  def->impl = impl;
  auto* rep = new function_rep;
  rep->kind = fn_kind::builtin;
  rep->builtin = def.get();
  std::string_view key = def->name;
  values_.erase(key);
  defs_[name] = std::move(def);
  values_.emplace(key, value::function(rep));
}

std::expected<void, jsonata_error> function_registry::add(std::string name,
                                                          std::string_view signature_text,
                                                          host_impl fn) {
  if (!name.empty() && name[0] == '$') name.erase(0, 1);
  std::string_view text = signature_text;
  if (text.size() >= 2 && text.front() == '<' && text.back() == '>') text = text.substr(1, text.size() - 2);
  std::shared_ptr<const signature> sig;
  try {
    sig = parse_signature(text, 0);
  } catch (const jsonata_exception& e) {
    return std::unexpected(e.error);
  }
  add_native(name, text, nullptr);
  auto* def = defs_[name].get();
  def->host = std::move(fn);
  return {};
}

}  // namespace simpul::mappings::jsonata
