#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace simpul::spool {

static_assert(std::endian::native == std::endian::little,
              "spool records are stored little-endian; a big-endian port needs byte swaps here");

/// Appends fixed-width little-endian integers and length-prefixed strings.
class byte_writer {
 public:
  explicit byte_writer(std::string& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { raw(&v, 4); }
  void u64(std::uint64_t v) { raw(&v, 8); }
  void i64(std::int64_t v) { raw(&v, 8); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }

 private:
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string& out_;
};

/// Reads what byte_writer wrote. Every getter checks bounds and returns false
/// on short input, so a damaged record is answered, never trusted.
class byte_reader {
 public:
  explicit byte_reader(std::string_view in) : in_(in) {}

  bool u8(std::uint8_t& v) { return raw(&v, 1); }
  bool u32(std::uint32_t& v) { return raw(&v, 4); }
  bool u64(std::uint64_t& v) { return raw(&v, 8); }
  bool i64(std::int64_t& v) { return raw(&v, 8); }
  bool str(std::string_view& s) {
    std::uint32_t n = 0;
    if (!u32(n) || n > in_.size() - pos_) return false;
    s = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool str(std::string& s) {
    std::string_view v;
    if (!str(v)) return false;
    s.assign(v);
    return true;
  }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::string_view rest() const { return in_.substr(pos_); }

 private:
  bool raw(void* p, std::size_t n) {
    if (in_.size() - pos_ < n) return false;
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace simpul::spool
