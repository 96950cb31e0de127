#include "results/results.h"

namespace fleetsim::results {

LatencySummary LatencySummary::of(const sim::LatencyHistogram& h) {
  LatencySummary s;
  if (h.count() == 0) return s;
  s.mean = h.mean() * 1e-6;
  s.p50 = sim::to_millis(h.quantile(0.50));
  s.p90 = sim::to_millis(h.quantile(0.90));
  s.p95 = sim::to_millis(h.quantile(0.95));
  s.p99 = sim::to_millis(h.quantile(0.99));
  s.p999 = sim::to_millis(h.quantile(0.999));
  s.max = sim::to_millis(h.max());
  return s;
}

}  // namespace fleetsim::results
