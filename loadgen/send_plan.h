// The open model's send plan: when each request is meant to be sent, on which route, for which
// client: models::TrafficPlan, the simulator's own, run in wall time, so `load` replays the
// requests `run` simulates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/traffic_plan.h"
#include "scenario/scenario.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace fleetsim::loadgen {

struct PlannedSend {
  sim::SimTime at_ns = 0;    // intended send time, from the start of the run
  std::uint32_t route = 0;   // index into scenario.traffic.routes
  std::uint32_t client = 0;  // client identity (models::client_address gives its address)
  std::uint64_t sequence = 0;  // position in the whole plan, from 0: unique over the run ({{counter}})
};

// Thread safety: none; each load thread owns its copy and takes its share of the sequence.
class SendPlan {
 public:
  // Sends in [0, duration_s).
  SendPlan(const scenario::Scenario& scenario, double duration_s);
  // The next send in time order; false when the plan is over.
  bool next(PlannedSend& out);
  // A route and client only (the closed model, which has no send times): the same draws.
  void next_identity(PlannedSend& out);
  // The path of a route ("/" if the scenario has none).
  const std::string& path(std::uint32_t route) const;

 private:
  models::TrafficPlan plan_;
  sim::SimTime end_;
  std::vector<std::string> paths_;
  std::uint64_t sequence_ = 0;  // of the next send
  bool done_ = false;
};

// Which sends of the plan one process makes when `fleetsim load` runs under `mpirun -n K`.
// Every rank draws the whole plan from the same scenario and seed and keeps its share, so the
// union of the shares over the ranks is exactly the one-process plan, send for send.
// The rule: when clients leave from their own source addresses (an IPv4 loopback target,
// load_target.h) and the scenario has at least K clients, send i belongs to rank
// (client mod K), so one client's requests all leave from one rank and source affinity (nginx
// ip_hash, HAProxy balance source; keep-alive reuse per address) means what it means in one
// process; the shares are then as even as the clients' draws (uniform), i.e. close when
// clients >> K. Otherwise send i belongs to rank (i mod K), i being its sequence in the plan.
struct PlanShare {
  std::uint32_t rank = 0;    // this process, in [0, ranks)
  std::uint32_t ranks = 1;   // 1: the whole plan
  bool by_client = false;    // split by client identity rather than by sequence

  bool owns(const PlannedSend& p) const { return (by_client ? p.client : p.sequence) % ranks == rank; }
};

// The share of `rank` of `ranks` by the rule above; `client_sources`: clients leave from their
// own addresses. Throws std::invalid_argument unless rank < ranks.
PlanShare plan_share(const scenario::Scenario& scenario, std::uint32_t rank, std::uint32_t ranks, bool client_sources);

// The whole plan at once (tests, dry runs); memory grows with the request count.
std::vector<PlannedSend> whole_send_plan(const scenario::Scenario& scenario, double duration_s);

}  // namespace fleetsim::loadgen
