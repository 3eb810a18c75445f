// Bridges GCC's -fsanitize-coverage=trace-pc to libFuzzer. libFuzzer 14
// refuses trace-pc, but accepts inline 8-bit counters: hash the calling
// PC into a 64 Ki counter table registered at start-up. Collisions only
// blur coverage a little. Compiled WITHOUT coverage flags (it would recurse).
#include <cstdint>

extern "C" void __sanitizer_cov_8bit_counters_init(std::uint8_t* start, std::uint8_t* stop);

namespace {
constexpr std::uintptr_t table_bits = 16;
alignas(64) std::uint8_t counters[1u << table_bits];
struct registration {
  registration() { __sanitizer_cov_8bit_counters_init(counters, counters + sizeof counters); }
} registered;
}  // namespace

extern "C" __attribute__((no_sanitize("address", "undefined"))) void __sanitizer_cov_trace_pc() {
  auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  pc ^= pc >> table_bits;
  ++counters[pc & ((1u << table_bits) - 1)];
}

// GCC also traces floating-point comparisons; libFuzzer has no hook for them.
extern "C" void __sanitizer_cov_trace_cmpf(float, float) {}
extern "C" void __sanitizer_cov_trace_cmpd(double, double) {}
