// spool_bench: appends/s of 1 KB messages from 4 threads under the fsync and
// write durability policies, ack throughput, and recovery time.
//   cmake -S . -B build-rel -G Ninja -DCMAKE_BUILD_TYPE=Release
//   cmake --build build-rel --target spool_bench && ./build-rel/spool_bench [messages] [dir]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "hub/message.h"
#include "hub/spool/route_spool.h"

namespace {

using namespace simpul;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

message_ptr make_msg(const std::string& body) {
  auto m = std::make_shared<message>();
  m->id = make_message_id();
  m->key = "3204";
  m->headers.add("content-type", "application/json");
  m->body = body;
  m->content_type = "application/json";
  m->source = "http_in";
  m->route = "bench";
  m->received_at = std::chrono::system_clock::now();
  m->trace_id = make_trace_id();
  return m;
}

struct run_result {
  double append_rate = 0;
  double ack_rate = 0;
  double recover_s = 0;
  std::uint64_t flushes = 0;
  std::uint64_t batches = 0;
  double cpu_us_per_msg = 0;  // process CPU (user+system) during the appends
  std::uint64_t bytes_per_msg = 0;
};

double process_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// `window` appends in flight per thread, like that many concurrent HTTP
// requests each waiting for its 202.
run_result run(const std::string& dir, spool::durability policy, int threads, int per_thread,
               int window, const std::string& body, bool with_original) {
  std::filesystem::remove_all(dir);
  spool::spool_options o;
  o.dir = dir;
  o.durability = policy;
  o.max_messages = 10'000'000;
  o.max_bytes = 64ull << 30;
  run_result rr;
  {
    auto sp = spool::route_spool::open(o);
    if (!sp) {
      std::fprintf(stderr, "open: %s\n", sp.error().message.c_str());
      std::exit(1);
    }
    std::atomic<int> failed{0};
    // Messages are made before the clock starts: the figure is the spool's.
    std::vector<std::vector<message_ptr>> per(static_cast<std::size_t>(threads));
    for (auto& msgs : per) {
      for (int i = 0; i < per_thread; ++i) msgs.push_back(make_msg(body));
    }
    // A route with a map step keeps the pre-mapping message too (dlq replay
    // --remap): a different message of the same size.
    std::vector<std::vector<message_ptr>> originals(static_cast<std::size_t>(threads));
    if (with_original) {
      for (auto& msgs : originals) {
        for (int i = 0; i < per_thread; ++i) msgs.push_back(make_msg(body));
      }
    }
    auto t0 = clock_type::now();
    double cpu0 = process_cpu_s();
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&, t] {
        std::counting_semaphore<1 << 16> slots(window);
        auto& mine = per[static_cast<std::size_t>(t)];
        for (std::size_t i = 0; i < mine.size(); ++i) {
          slots.acquire();
          message_ptr original = with_original ? originals[static_cast<std::size_t>(t)][i] : nullptr;
          auto r = (*sp)->append(mine[i], 1, [&](result<void> res) {
            if (!res) failed.fetch_add(1);
            slots.release();
          }, std::move(original));
          if (!r) {
            failed.fetch_add(1);
            slots.release();
          }
        }
        for (int i = 0; i < window; ++i) slots.acquire();  // all callbacks done
      });
    }
    for (auto& t : ts) t.join();
    double secs = seconds_since(t0);
    auto total = static_cast<double>(threads) * per_thread;
    rr.append_rate = total / secs;
    rr.cpu_us_per_msg = (process_cpu_s() - cpu0) / total * 1e6;
    auto st = (*sp)->stats();
    rr.bytes_per_msg = st.depth ? st.bytes / st.depth : 0;
    rr.flushes = st.flushes;
    rr.batches = st.batches;
    if (failed.load() != 0) std::fprintf(stderr, "%d appends failed\n", failed.load());
  }
  {
    auto t0 = clock_type::now();
    auto sp = spool::route_spool::open(o);
    rr.recover_s = seconds_since(t0);
    auto depth = (*sp)->stats().depth;
    t0 = clock_type::now();
    std::size_t acked = 0;
    for (;;) {
      auto items = (*sp)->take(0, 512);
      if (items.empty()) break;
      for (const auto& it : items) (*sp)->ack(it);
      acked += items.size();
    }
    (void)(*sp)->flush();
    rr.ack_rate = static_cast<double>(acked) / seconds_since(t0);
    if (acked != depth) std::fprintf(stderr, "acked %zu of %zu\n", acked, depth);
  }
  std::filesystem::remove_all(dir);
  return rr;
}

}  // namespace

int main(int argc, char** argv) {
  int total = argc > 1 ? std::atoi(argv[1]) : 200'000;
  std::string dir = argc > 2 ? argv[2] : (std::filesystem::temp_directory_path() / "spool_bench").string();
  std::string body(1024, 'x');
  const int threads = 4;
  std::printf("spool_bench: %d x 1 KB messages, %d appending threads, dir %s\n", total, threads,
              dir.c_str());
  struct cfg {
    const char* name;
    spool::durability policy;
    int window;
    bool with_original = false;
  } cfgs[] = {
      {"fsync, 256 in flight/thread", spool::durability::fsync, 256},
      {"fsync,  16 in flight/thread", spool::durability::fsync, 16},
      {"fsync,   1 in flight/thread", spool::durability::fsync, 1},
      {"write, 256 in flight/thread", spool::durability::write, 256},
      {"write, 256, + original 1 KB", spool::durability::write, 256, true},
      {"fsync, 256, + original 1 KB", spool::durability::fsync, 256, true},
  };
  for (const auto& c : cfgs) {
    int n = total / threads;
    if (c.window == 1) n = std::min(n, 5000);  // one fsync per round trip: keep it short
    auto r = run(dir, c.policy, threads, n, c.window, body, c.with_original);
    std::printf(
        "%-30s appends/s %9.0f  flushes %7llu  msgs/flush %7.1f  cpu %5.1f us/msg  "
        "%5llu B/msg | recover %.3fs  acks/s %9.0f\n",
        c.name, r.append_rate, static_cast<unsigned long long>(r.flushes),
        r.flushes ? static_cast<double>(n) * threads / static_cast<double>(r.flushes) : 0.0,
        r.cpu_us_per_msg, static_cast<unsigned long long>(r.bytes_per_msg), r.recover_s,
        r.ack_rate);
  }
  return 0;
}
