// An autoscaler: the decision logic of one service's scaling controller, with no engine in it.
//
// The simulation calls evaluate() every evaluation_interval() with the metric averaged over that
// interval and applies the count it returns (starting or stopping tasks is the fleet's business).
// Two implementations, chosen by scenario::AutoscalingSpec::kind: AWS Application Auto Scaling
// target tracking on ECS (ecs_target_tracking.cpp) and the Kubernetes HPA (hpa.cpp).
//
// State: each instance keeps its own history (alarm datapoints, cooldown start times,
// recommendations and scale events with their times), so one instance serves one service.
// Not thread-safe; deterministic (no RNG, no wall clock).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "scenario/autoscaling_spec.h"
#include "sim/time.h"

namespace fleetsim::models {

class Autoscaler {
 public:
  virtual ~Autoscaler();

  // How often evaluate() is to be called: ECS period_s, HPA sync_period_s. The first call comes
  // one interval after the start, when a full interval of metric exists.
  virtual sim::SimTime evaluation_interval() const = 0;

  // One evaluation at `now` (never earlier than the previous call's). `current`: the desired
  // count now. `metric`: the average over the last interval — the CPU fraction of the running,
  // ready tasks, or requests per second per ready task — >= 0, or NaN when there is no datapoint
  // (no ready task). Returns the new desired count, always within [min, max].
  virtual std::uint32_t evaluate(sim::SimTime now, std::uint32_t current, double metric) = 0;

  // Why the last change happened, for the results' events, such as
  // "cpu 0.91 > 0.70 for 3 periods: 4 -> 6". Empty until the first change.
  virtual const std::string& last_reason() const = 0;
};

// The autoscaler `spec` describes; `spec` is valid (parse_autoscaling checked it).
std::unique_ptr<Autoscaler> make_autoscaler(const scenario::AutoscalingSpec& spec);

}  // namespace fleetsim::models
