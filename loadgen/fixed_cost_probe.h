// The local stack's fixed costs, measured before `validate` predicts: what a request pays besides
// the task's own work, in the simulator's two parameters.
//
//   network.rtt_ms        the balancer-to-task round trip: loopback plus the emulator's HTTP
//                         handling, measured as GET /health straight to one emulator;
//   balancer.overhead_ms  everything the balancer adds: the client-to-balancer round trip and the
//                         proxying, measured as GET /_fleetsim/health through the balancer (which
//                         proxies it to an emulator's /health) minus the above.
//
// Each probe is a short, low-rate open-model run of the real load generator (keep-alive, as the
// measured run), so the same client measures both. The model is linear in the two parameters,
// one row per probe kind (direct = rtt; proxied = rtt + overhead), solved as least squares with
// Eigen on the probes' medians: more probe kinds add rows, not code.
#pragma once

#include <cstdint>
#include <string>

#include "scenario/scenario.h"

namespace fleetsim::loadgen {

struct FixedCosts {
  double rtt_ms = 0;
  double overhead_ms = 0;
  double direct_p50_ms = 0;    // GET /health to an emulator
  double proxied_p50_ms = 0;   // GET /_fleetsim/health through the balancer
  std::uint64_t samples = 0;   // successful probe requests
};

struct ProbeOptions {
  double duration_s = 3;  // per probe
  double rate_rps = 50;   // low: no queueing anywhere
};

// Probes the balancer at `balancer_port` and the emulator at `emulator_port`. Throws
// std::runtime_error when a probe gets no successful answer.
FixedCosts probe_fixed_costs(const scenario::Scenario& s, std::uint16_t balancer_port, std::uint16_t emulator_port,
                             const ProbeOptions& options);

}  // namespace fleetsim::loadgen
