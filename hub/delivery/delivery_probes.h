#pragma once

#include <string>

#include "monitoring/catalogue.h"

namespace simpul::hub {

/// The per-output delivery metrics of one route ({route, connector}),
/// resolved once: shared by the spooled delivery queue and by the direct
/// deliveries of request-reply and forward routes, so both count alike.
struct delivery_probes {
  delivery_probes(monitoring::catalogue& m, const std::string& route, const std::string& connector)
      : delivered(m.delivered.Add({{"route", route}, {"connector", connector}})),
        retryable(m.delivery_failures.Add(
            {{"route", route}, {"connector", connector}, {"kind", "retryable"}})),
        permanent(m.delivery_failures.Add(
            {{"route", route}, {"connector", connector}, {"kind", "permanent"}})),
        retries(m.retries.Add({{"route", route}, {"connector", connector}})),
        handed_back(m.handed_back.Add({{"route", route}, {"connector", connector}})),
        duration(m.delivery_duration.Add({{"route", route}, {"connector", connector}},
                                         monitoring::catalogue::latency_buckets())) {}

  prometheus::Counter& delivered;
  prometheus::Counter& retryable;
  prometheus::Counter& permanent;
  prometheus::Counter& retries;
  prometheus::Counter& handed_back;  ///< not_sent during a drain
  prometheus::Histogram& duration;
};

}  // namespace simpul::hub
