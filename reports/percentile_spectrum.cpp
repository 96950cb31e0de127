#include "reports/percentile_spectrum.h"

namespace fleetsim::reports {

namespace {
constexpr double kNsPerMs = 1e6;
}

std::vector<SpectrumPoint> percentile_spectrum(const sim::LatencyHistogram& histogram) {
  std::vector<SpectrumPoint> out;
  const auto buckets = histogram.buckets();
  const double total = static_cast<double>(histogram.count());
  if (buckets.empty() || total <= 0) return out;
  out.reserve(buckets.size() + 1);
  const auto midpoint_ms = [](const sim::LatencyHistogram::Bucket& b) {
    return (static_cast<double>(b.lower) + static_cast<double>(b.upper)) / 2 / kNsPerMs;
  };
  out.push_back({0, midpoint_ms(buckets.front())});
  double seen = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    seen += static_cast<double>(buckets[i].count);
    const double share = i + 1 < buckets.size() ? seen / total : 1 - 0.5 / total;
    out.push_back({share * 100, midpoint_ms(buckets[i])});
  }
  return out;
}

std::vector<SpectrumPoint> summary_spectrum(const results::LatencySummary& l) {
  std::vector<SpectrumPoint> out;
  const SpectrumPoint points[] = {{50, l.p50}, {90, l.p90}, {95, l.p95}, {99, l.p99}, {99.9, l.p999}, {99.99, l.max}};
  for (const auto& p : points) {
    if (p.latency_ms > 0) out.push_back(p);
  }
  return out;
}

double one_in(double percentile) { return 1 / (1 - percentile / 100); }

}  // namespace fleetsim::reports
