#pragma once

// The JSONata value: a 16-byte tagged handle. Scalars and strings of up to
// 14 bytes live inline; longer strings, arrays, objects and functions are
// immutable heap objects shared by reference count (atomic, so one value may
// be read from several threads, e.g. a literal of a compiled expression).
// A heap object is only mutated while its creator holds the only reference
// (`unique()`), which is how the evaluator builds results without copies.

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace simpul::mappings::jsonata {

enum class value_kind : std::uint8_t {
  undefined,
  null,
  boolean,
  number,
  string,
  array,
  object,
  function
};

struct heap_header {
  mutable std::atomic<std::uint32_t> refs{1};
};

struct string_rep;
struct array_rep;
struct object_rep;
struct function_rep;

/// Array flags carrying JSONata's sequence semantics.
enum array_flag : std::uint8_t {
  af_sequence = 1,        // a result sequence: singletons unwrap, empty is undefined
  af_keep_singleton = 2,  // `[]` on a path: keep a singleton as an array
  af_cons = 4,            // built by an array constructor: not flattened by paths
  af_outer_wrapper = 8,   // wrapper around a context array (`$` of an array input)
  af_tuple_stream = 16,   // objects {"@": focus, var: value...} passed between path steps
};

class value {
 public:
  value() noexcept { clear_raw(); }
  ~value() { release(); }
  value(const value& o) noexcept { copy_from(o); }
  value(value&& o) noexcept {
    std::memcpy(static_cast<void*>(this), &o, sizeof(value));
    o.clear_raw();
  }
  value& operator=(const value& o) noexcept {
    if (this != &o) {
      value tmp(o);
      swap(tmp);
    }
    return *this;
  }
  value& operator=(value&& o) noexcept {
    if (this != &o) {
      release();
      std::memcpy(static_cast<void*>(this), &o, sizeof(value));
      o.clear_raw();
    }
    return *this;
  }
  void swap(value& o) noexcept {
    alignas(8) unsigned char t[sizeof(value)];
    std::memcpy(t, static_cast<void*>(this), sizeof(value));
    std::memcpy(static_cast<void*>(this), &o, sizeof(value));
    std::memcpy(static_cast<void*>(&o), t, sizeof(value));
  }

  static value null() {
    value v;
    v.kind_ = value_kind::null;
    return v;
  }
  static value boolean(bool b) {
    value v;
    v.kind_ = value_kind::boolean;
    v.raw_[0] = b ? 1 : 0;
    return v;
  }
  static value number(double d) {
    value v;
    v.kind_ = value_kind::number;
    std::memcpy(v.raw_, &d, sizeof d);
    return v;
  }
  static value string(std::string_view s);
  static value array(array_rep* rep);  // adopts one reference
  static value object(object_rep* rep);
  static value function(function_rep* rep);
  static value new_array(std::uint8_t flags = 0, std::size_t reserve = 0);
  static value new_sequence(std::size_t reserve = 0) { return new_array(af_sequence, reserve); }
  static value new_object();

  value_kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == value_kind::undefined; }
  bool is_null() const { return kind_ == value_kind::null; }
  bool is_bool() const { return kind_ == value_kind::boolean; }
  bool is_number() const { return kind_ == value_kind::number; }
  bool is_string() const { return kind_ == value_kind::string; }
  bool is_array() const { return kind_ == value_kind::array; }
  bool is_object() const { return kind_ == value_kind::object; }
  bool is_function() const { return kind_ == value_kind::function; }

  bool as_bool() const { return raw_[0] != 0; }
  double as_number() const {
    double d;
    std::memcpy(&d, raw_, sizeof d);
    return d;
  }
  std::string_view as_string() const;

  // Arrays.
  const array_rep& arr() const;
  array_rep& arr_mut() const;
  std::size_t size() const;  // array length; 0 otherwise
  const value& operator[](std::size_t i) const;
  std::uint8_t flags() const;
  bool is_sequence() const { return is_array() && (flags() & af_sequence); }
  /// Appends to an array this value solely owns.
  void push(value v) const;

  // Objects.
  const object_rep& obj() const;
  object_rep& obj_mut() const;
  /// Field lookup; nullptr when absent (or not an object).
  const value* get(std::string_view key) const;
  /// Sets a field of an object this value solely owns.
  void set(value key, value v) const;
  /// Adds a field the caller knows the object does not have yet (set()
  /// without the lookup).
  void add(value key, value v) const;

  const function_rep& fn() const;  // defined in function.h

  /// True when this handle is the only reference to its heap object.
  bool unique() const;
  bool is_heap() const { return kind_ >= value_kind::array || (kind_ == value_kind::string && len_ == heap_len); }
  const void* identity() const { return is_heap() ? ptr() : nullptr; }

  /// The shared heap object (internal to the engine).
  heap_header* ptr() const {
    heap_header* p;
    std::memcpy(&p, raw_, sizeof p);
    return p;
  }

 private:
  static constexpr std::uint8_t heap_len = 255;
  void set_ptr(heap_header* p) { std::memcpy(raw_, &p, sizeof p); }
  void clear_raw() {
    std::memset(raw_, 0, sizeof raw_);
    len_ = 0;
    kind_ = value_kind::undefined;
  }
  void copy_from(const value& o) noexcept {
    std::memcpy(static_cast<void*>(this), &o, sizeof(value));
    if (is_heap()) ptr()->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept {
    if (is_heap()) destroy();
  }
  void destroy() noexcept;

  alignas(8) unsigned char raw_[14];
  std::uint8_t len_;
  value_kind kind_;
};

static_assert(sizeof(value) == 16);

// A long string: header, length and the bytes in one allocation
// (value::string allocates sizeof(string_rep) + size bytes).
struct string_rep : heap_header {
  std::size_t size = 0;
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  char* data() { return reinterpret_cast<char*>(this + 1); }
};

struct array_rep : heap_header {
  std::vector<value> items;
  std::uint8_t flags = 0;
};

struct object_rep : heap_header {
  std::vector<std::pair<value, value>> entries;
  std::vector<std::uint32_t> index;  // open addressing, 0 = empty, else entry+1
  const value* find(std::string_view key) const;
  void put(value key, value v);
  /// Appends a key that is not present.
  void append(value key, value v);
  /// Rebuilds the lookup index after entries were removed.
  void reindex() {
    if (index.empty()) return;
    rebuild_index();
  }

 private:
  void add_entry(value& key, value& v);
  void rebuild_index();
};

inline const array_rep& value::arr() const { return *static_cast<const array_rep*>(ptr()); }
inline array_rep& value::arr_mut() const { return *static_cast<array_rep*>(ptr()); }
inline const object_rep& value::obj() const { return *static_cast<const object_rep*>(ptr()); }
inline object_rep& value::obj_mut() const { return *static_cast<object_rep*>(ptr()); }

inline std::string_view value::as_string() const {
  if (len_ == heap_len) {
    const auto* rep = static_cast<const string_rep*>(ptr());
    return {rep->data(), rep->size};
  }
  return {reinterpret_cast<const char*>(raw_), len_};
}
inline std::size_t value::size() const { return is_array() ? arr().items.size() : 0; }
inline const value& value::operator[](std::size_t i) const { return arr().items[i]; }
inline std::uint8_t value::flags() const { return arr().flags; }
inline void value::push(value v) const { arr_mut().items.push_back(std::move(v)); }
inline const value* value::get(std::string_view key) const {
  return is_object() ? obj().find(key) : nullptr;
}
inline void value::set(value key, value v) const { obj_mut().put(std::move(key), std::move(v)); }
inline void value::add(value key, value v) const { obj_mut().append(std::move(key), std::move(v)); }
inline bool value::unique() const {
  return is_heap() && ptr()->refs.load(std::memory_order_acquire) == 1;
}

/// Deep structural equality (JSONata `=` on arrays and objects).
bool deep_equal(const value& a, const value& b);

/// Copies an array value unless solely owned, so flags/items may change.
value own_array(value v);

}  // namespace simpul::mappings::jsonata
