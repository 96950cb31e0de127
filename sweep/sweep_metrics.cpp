#include "sweep/sweep_metrics.h"

namespace fleetsim::sweep {

MetricValues metric_values(const results::Results& r) {
  return {r.availability,
          r.throughput_rps,
          r.latency.mean,
          r.latency.p50,
          r.latency.p90,
          r.latency.p99,
          static_cast<double>(r.failed),
          static_cast<double>(r.retries),
          r.concurrency_mean,
          r.cost.present ? r.cost.monthly_usd : 0.0};
}

}  // namespace fleetsim::sweep
