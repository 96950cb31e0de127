// The latency distribution as a percentile spectrum (HdrHistogram's "percentile distribution"):
// latency against percentile, the percentile axis stretched as 1 / (1 - p) so the tail (99 %,
// 99.9 %, 99.99 %) gets as much room as the body. Shared by the HTML page and the PNGs.
#pragma once

#include <vector>

#include "results/results.h"
#include "sim/histogram.h"

namespace fleetsim::reports {

struct SpectrumPoint {
  double percentile = 0;  // in [0, 100)
  double latency_ms = 0;
};

// One point per non-empty bucket, at the share of requests up to and including it, valued at the
// bucket's midpoint (the histogram's own quantile convention); plus a first point at 0 % (the
// smallest bucket). The last bucket, at 100 %, is drawn at 1 - 1 / (2 × count) so it stays on a
// log axis. Empty for an empty histogram.
std::vector<SpectrumPoint> percentile_spectrum(const sim::LatencyHistogram& histogram);
// The summary's own points (p50, p90, p95, p99, p99.9; max at 99.99 %), for runs that keep only a
// summary, such as the load generator's uncorrected latency. Zero latencies are left out.
std::vector<SpectrumPoint> summary_spectrum(const results::LatencySummary& latency);

// The stretched axis value of a percentile: 1 / (1 - p / 100) ("one request in N").
double one_in(double percentile);

}  // namespace fleetsim::reports
