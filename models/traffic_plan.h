// A scenario's client traffic as a sequence of sends: when (the arrival schedule), by which route
// (by weight) and from which client (uniform). The simulator and the load generator both draw it
// from here, from the same random streams, so a load run sends what the simulation simulated.
#pragma once

#include <vector>

#include "models/arrival_schedule.h"
#include "scenario/scenario.h"
#include "sim/rng.h"

namespace fleetsim::models {

class TrafficPlan {
 public:
  struct Send {
    sim::SimTime at;       // sim::kNever when the rate stays zero from here on
    std::uint32_t route;   // index into scenario.traffic.routes
    std::uint32_t client;  // client identity, [0, traffic.clients)
  };

  explicit TrafficPlan(const scenario::Scenario& scenario);
  // The next send in time order.
  Send next();
  // A route and a client only, with no send time (the load generator's closed model).
  Send next_identity();

 private:
  ArrivalSchedule schedule_;
  std::uint32_t clients_;
  std::vector<double> cumulative_weight_;  // of routes
  sim::Rng arrival_rng_;
  sim::Rng route_rng_;
  sim::Rng client_rng_;
};

}  // namespace fleetsim::models
