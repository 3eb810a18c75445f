#include "hub/message.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <random>

namespace simpul {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

void headers::set(std::string name, std::string value) {
  erase(name);
  entries_.emplace_back(std::move(name), std::move(value));
}

void headers::add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> headers::get(std::string_view name) const {
  for (const auto& [k, v] : entries_) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

void headers::erase(std::string_view name) {
  std::erase_if(entries_, [&](const entry& e) { return iequals(e.first, name); });
}

std::optional<std::string_view> message::attribute(std::string_view name) const {
  for (const auto& [k, v] : attributes) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::string make_message_id() {
  static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  // Monotonic ULID state: within one millisecond the random part is
  // incremented so ids stay strictly ordered across threads.
  static std::mutex mu;
  static std::uint64_t last_ms = 0;
  static std::array<std::uint8_t, 10> rnd{};
  static std::mt19937_64 gen{std::random_device{}()};

  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::array<std::uint8_t, 16> bytes{};
  {
    std::lock_guard lock(mu);
    auto ms = static_cast<std::uint64_t>(now);
    if (ms <= last_ms) {
      ms = last_ms;
      for (int i = 9; i >= 0; --i) {
        if (++rnd[static_cast<std::size_t>(i)] != 0) break;
      }
    } else {
      last_ms = ms;
      for (auto& b : rnd) b = static_cast<std::uint8_t>(gen());
      rnd[0] &= 0x7f;  // headroom so increments within one ms never wrap
    }
    for (int i = 0; i < 6; ++i) {
      bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
    }
    std::copy(rnd.begin(), rnd.end(), bytes.begin() + 6);
  }
  // 128 bits -> 26 base32 chars (first char carries 3 bits).
  std::string out(26, '0');
  unsigned __int128 v = 0;
  for (auto b : bytes) v = (v << 8) | b;
  for (int i = 25; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = alphabet[static_cast<unsigned>(v & 31)];
    v >>= 5;
  }
  return out;
}

namespace {

std::mt19937_64& trace_random() {
  static thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

void append_hex64(std::string& out, std::uint64_t v) {
  static constexpr char hex[] = "0123456789abcdef";
  for (int i = 0; i < 16; ++i) out += hex[(v >> (4 * i)) & 15];
}

}  // namespace

std::string make_trace_id() {
  std::string out;
  out.reserve(32);
  append_hex64(out, trace_random()());
  append_hex64(out, trace_random()());
  return out;
}

void append_span_id(std::string& out) {
  auto v = trace_random()();
  append_hex64(out, v ? v : 1);
}

}  // namespace simpul
