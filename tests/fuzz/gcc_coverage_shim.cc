// Coverage feedback for libFuzzer when the code is built by GCC.
//
// Why: the project is C++23 with std::expected, and clang 14 (the clang on
// the build machines) cannot compile libstdc++ 12's <expected> (it lacks
// P0848 conditionally trivial special members). GCC cannot emit libFuzzer's
// inline-8bit-counters, only -fsanitize-coverage=trace-pc, which libFuzzer
// 14 refuses. This shim turns GCC's per-basic-block trace-pc calls into
// 8-bit counters indexed by a hash of the caller's PC and hands them to
// libFuzzer, which then works as usual. Linked with
// --allow-multiple-definition so these definitions win over libFuzzer's
// "no longer supported" stubs. With a clang that builds <expected>
// (clang >= 16) none of this is used.
#include <cstddef>
#include <cstdint>

extern "C" void __sanitizer_cov_8bit_counters_init(std::uint8_t* start, std::uint8_t* stop);

namespace {

constexpr std::size_t kCounters = 1 << 16;
std::uint8_t counters[kCounters];

struct register_counters {
  register_counters() { __sanitizer_cov_8bit_counters_init(counters, counters + kCounters); }
} registered;

}  // namespace

extern "C" {

__attribute__((no_sanitize_address, no_sanitize_undefined)) void __sanitizer_cov_trace_pc() {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  std::uint8_t& c = counters[(pc ^ (pc >> 16)) & (kCounters - 1)];
  c = static_cast<std::uint8_t>(c + 1 == 0 ? c : c + 1);  // saturate
}

// GCC's trace-cmp also instruments floating-point comparisons; libFuzzer
// has no hooks for those.
void __sanitizer_cov_trace_cmpf(float, float) {}
void __sanitizer_cov_trace_cmpd(double, double) {}
}
