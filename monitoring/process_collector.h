#pragma once

#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace simpul::monitoring {

/// Standard process metrics (process_cpu_seconds_total,
/// process_resident_memory_bytes, process_open_fds, process_start_time_seconds,
/// process_virtual_memory_bytes), read from /proc at scrape time.
/// These keep the conventional unprefixed names so stock dashboards work.
class process_collector : public prometheus::Collectable {
 public:
  process_collector();
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  double start_time_seconds_ = 0;
};

}  // namespace simpul::monitoring
