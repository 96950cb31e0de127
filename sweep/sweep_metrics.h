// The headline metrics a sweep summarises for every grid point, read off one run's Results.
// One table, so the runner, the JSON and the CSV agree on names, units and order.
#pragma once

#include <array>
#include <string_view>

#include "results/results.h"

namespace fleetsim::sweep {

struct MetricInfo {
  std::string_view name;  // JSON key and CSV column stem
  std::string_view unit;
};

inline constexpr std::array<MetricInfo, 10> kMetrics = {{
    {"availability", "ratio"},
    {"throughput_rps", "1/s"},
    {"latency_mean_ms", "ms"},
    {"latency_p50_ms", "ms"},
    {"latency_p90_ms", "ms"},
    {"latency_p99_ms", "ms"},
    {"failed", "requests"},
    {"retries", "requests"},
    {"concurrency_mean", "requests"},
    {"cost_monthly_usd", "usd"},
}};

using MetricValues = std::array<double, kMetrics.size()>;

// The metrics of one run, in kMetrics order (cost 0 when the scenario has none).
MetricValues metric_values(const results::Results& r);

}  // namespace fleetsim::sweep
