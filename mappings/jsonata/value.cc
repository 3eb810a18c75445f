#include "mappings/jsonata/value.h"

#include <cmath>
#include <new>
#include <random>

#include "mappings/jsonata/function.h"

namespace simpul::mappings::jsonata {

namespace {

// Copies n <= 16 bytes with fixed-size moves (two overlapping ones) instead
// of a call to memcpy: most strings a mapping makes are this short.
void copy_short(unsigned char* to, const char* from, std::size_t n) {
  if (n >= 8) {
    std::memcpy(to, from, 8);
    std::memcpy(to + n - 8, from + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(to, from, 4);
    std::memcpy(to + n - 4, from + n - 4, 4);
  } else if (n > 0) {
    to[0] = static_cast<unsigned char>(from[0]);
    to[n / 2] = static_cast<unsigned char>(from[n / 2]);
    to[n - 1] = static_cast<unsigned char>(from[n - 1]);
  }
}

}  // namespace

value value::string(std::string_view s) {
  value v;
  v.kind_ = value_kind::string;
  if (s.size() <= sizeof v.raw_) {
    copy_short(v.raw_, s.data(), s.size());
    v.len_ = static_cast<std::uint8_t>(s.size());
  } else {
    void* mem = ::operator new(sizeof(string_rep) + s.size());
    auto* rep = new (mem) string_rep;
    rep->size = s.size();
    std::memcpy(rep->data(), s.data(), s.size());
    v.set_ptr(rep);
    v.len_ = heap_len;
  }
  return v;
}

value value::array(array_rep* rep) {
  value v;
  v.kind_ = value_kind::array;
  v.set_ptr(rep);
  return v;
}

value value::object(object_rep* rep) {
  value v;
  v.kind_ = value_kind::object;
  v.set_ptr(rep);
  return v;
}

value value::function(function_rep* rep) {
  value v;
  v.kind_ = value_kind::function;
  v.set_ptr(rep);
  return v;
}

value value::new_array(std::uint8_t flags, std::size_t reserve) {
  auto* rep = new array_rep;
  rep->flags = flags;
  if (reserve) rep->items.reserve(reserve);
  return array(rep);
}

value value::new_object() { return object(new object_rep); }

void value::destroy() noexcept {
  heap_header* p = ptr();
  // The sole owner cannot race with anyone: skip the locked decrement.
  if (p->refs.load(std::memory_order_acquire) != 1 &&
      p->refs.fetch_sub(1, std::memory_order_acq_rel) != 1)
    return;
  switch (kind_) {
    case value_kind::string:
      static_cast<string_rep*>(p)->~string_rep();
      ::operator delete(p);
      break;
    case value_kind::array:
      delete static_cast<array_rep*>(p);
      break;
    case value_kind::object:
      delete static_cast<object_rep*>(p);
      break;
    case value_kind::function:
      delete static_cast<function_rep*>(p);
      break;
    default:
      break;
  }
}

namespace {

// Per process, so that keys colliding in an object's index cannot be
// computed in advance (a 1 MiB body of such keys made every insert scan
// one long run of the table: quadratic).
const std::uint64_t hash_seed = [] {
  std::random_device rd;
  return (std::uint64_t{rd()} << 32) ^ rd();
}();

std::uint64_t hash_key(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL ^ hash_seed;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  // FNV's low bits depend only on the low bits of its state and input, and
  // the index masks the low bits: mix the high bits down first.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h;
}

constexpr std::size_t index_threshold = 8;

}  // namespace

const value* object_rep::find(std::string_view key) const {
  if (index.empty()) {
    // small objects: a linear scan; the length and first byte settle most
    // mismatches without a call to memcmp
    for (const auto& [k, v] : entries) {
      std::string_view ks = k.as_string();
      if (ks.size() != key.size()) continue;
      if (key.empty() || (ks[0] == key[0] && std::memcmp(ks.data(), key.data(), key.size()) == 0)) return &v;
    }
    return nullptr;
  }
  std::size_t mask = index.size() - 1;
  for (std::size_t i = hash_key(key) & mask;; i = (i + 1) & mask) {
    std::uint32_t slot = index[i];
    if (slot == 0) return nullptr;
    if (entries[slot - 1].first.as_string() == key) return &entries[slot - 1].second;
  }
}

void object_rep::put(value key, value v) {
  if (const value* existing = find(key.as_string())) {
    const_cast<value&>(*existing) = std::move(v);
    return;
  }
  add_entry(key, v);
}

void object_rep::append(value key, value v) { add_entry(key, v); }

// Shared by put() and append(): moves from the arguments' own copies.
inline void object_rep::add_entry(value& key, value& v) {
  entries.emplace_back(std::move(key), std::move(v));
  if (entries.size() > index_threshold && entries.size() * 2 > index.size()) {
    rebuild_index();
  } else if (!index.empty()) {
    std::size_t mask = index.size() - 1;
    std::size_t i = hash_key(entries.back().first.as_string()) & mask;
    while (index[i] != 0) i = (i + 1) & mask;
    index[i] = static_cast<std::uint32_t>(entries.size());
  }
}

void object_rep::rebuild_index() {
  std::size_t cap = 16;
  while (cap < entries.size() * 4) cap *= 2;
  index.assign(cap, 0);
  std::size_t mask = cap - 1;
  for (std::size_t e = 0; e < entries.size(); ++e) {
    std::size_t i = hash_key(entries[e].first.as_string()) & mask;
    while (index[i] != 0) i = (i + 1) & mask;
    index[i] = static_cast<std::uint32_t>(e + 1);
  }
}

bool deep_equal(const value& a, const value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case value_kind::undefined:
    case value_kind::null:
      return true;
    case value_kind::boolean:
      return a.as_bool() == b.as_bool();
    case value_kind::number:
      return a.as_number() == b.as_number();
    case value_kind::string:
      return a.as_string() == b.as_string();
    case value_kind::array: {
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i)
        if (!deep_equal(a[i], b[i])) return false;
      return true;
    }
    case value_kind::object: {
      const auto& ea = a.obj().entries;
      if (ea.size() != b.obj().entries.size()) return false;
      for (const auto& [k, v] : ea) {
        const value* o = b.get(k.as_string());
        if (!o || !deep_equal(v, *o)) return false;
      }
      return true;
    }
    case value_kind::function:
      return a.identity() == b.identity();
  }
  return false;
}

value own_array(value v) {
  if (v.unique()) return v;
  value c = value::new_array(v.flags(), v.size());
  for (const auto& it : v.arr().items) c.push(it);
  return c;
}

}  // namespace simpul::mappings::jsonata
