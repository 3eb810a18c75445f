#include "monitoring/process_collector.h"

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace simpul::monitoring {
namespace {

prometheus::MetricFamily one(const char* name, const char* help, prometheus::MetricType type,
                             double value) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  f.metric.push_back(m);
  return f;
}

int count_open_fds() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (auto* e = ::readdir(d)) {
      if (e->d_name[0] != '.') ++n;
    }
    ::closedir(d);
    --n;  // the descriptor opendir itself holds
  }
  return n;
}

}  // namespace

process_collector::process_collector() {
  // Start time = boot time + starttime ticks (field 22 of /proc/self/stat).
  std::ifstream stat("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), {});
  auto close = content.rfind(')');
  double btime = 0;
  std::ifstream s("/proc/stat");
  for (std::string line; std::getline(s, line);) {
    if (line.rfind("btime ", 0) == 0) btime = std::stod(line.substr(6));
  }
  if (close != std::string::npos) {
    std::istringstream in(content.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && in >> field; ++i) {
      if (i == 22) {
        start_time_seconds_ = btime + std::stod(field) / static_cast<double>(::sysconf(_SC_CLK_TCK));
      }
    }
  }
  if (start_time_seconds_ == 0) {
    start_time_seconds_ = std::chrono::duration<double>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  }
}

std::vector<prometheus::MetricFamily> process_collector::Collect() const {
  double cpu = 0, vsize = 0, rss = 0;
  std::ifstream stat("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), {});
  auto close = content.rfind(')');
  if (close != std::string::npos) {
    std::istringstream in(content.substr(close + 2));
    std::string f;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 24 && in >> f; ++i) {
      if (i == 14) utime = std::stod(f);
      if (i == 15) stime = std::stod(f);
      if (i == 23) vsize = std::stod(f);
      if (i == 24) rss = std::stod(f) * static_cast<double>(::sysconf(_SC_PAGESIZE));
    }
    cpu = (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  }
  using prometheus::MetricType;
  return {
      one("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
          MetricType::Counter, cpu),
      one("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
          rss),
      one("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
          vsize),
      one("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
          count_open_fds()),
      one("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
          MetricType::Gauge, start_time_seconds_),
  };
}

}  // namespace simpul::monitoring
