// SLO verdicts on a run's results, the same for the simulator and the load generator.
#pragma once

#include "results/results.h"

namespace fleetsim::results {

// Adds a check for each target > 0 (p50 and p99 latency in ms at most, availability at least)
// and sets r.slo_pass.
void check_slo(double latency_p50_ms, double latency_p99_ms, double availability, Results& r);

}  // namespace fleetsim::results
