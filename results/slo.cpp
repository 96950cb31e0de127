#include "results/slo.h"

namespace fleetsim::results {

void check_slo(double latency_p50_ms, double latency_p99_ms, double availability, Results& r) {
  auto check = [&](std::string name, double target, double actual, bool pass) {
    r.slo_checks.push_back({std::move(name), target, actual, pass});
    r.slo_pass = r.slo_pass && pass;
  };
  if (latency_p50_ms > 0) check("latency_p50_ms", latency_p50_ms, r.latency.p50, r.latency.p50 <= latency_p50_ms);
  if (latency_p99_ms > 0) check("latency_p99_ms", latency_p99_ms, r.latency.p99, r.latency.p99 <= latency_p99_ms);
  if (availability > 0) check("availability", availability, r.availability, r.availability >= availability);
}

}  // namespace fleetsim::results
