// Runs each service's autoscaler: every evaluation interval it measures the service's metric
// over the interval (CPU: computing worker-time / (workers × running task-time); requests per
// task: requests / running task-seconds) and sets the desired count the autoscaler returns.
#pragma once

#include <memory>
#include <vector>

#include "models/autoscaling/autoscaler.h"
#include "models/cluster.h"
#include "models/run_metrics.h"
#include "sim/engine.h"

namespace fleetsim::models {

class ScalingController final : public sim::EventHandler {
 public:
  ScalingController(sim::Engine& engine, const scenario::Scenario& scenario, Cluster& cluster, RunMetrics& metrics);
  void start();
  void on_event(std::uint64_t service) override;

 private:
  struct Scaled {
    std::unique_ptr<Autoscaler> autoscaler;
    scenario::AutoscalingSpec::Metric metric;
    double busy_ns = 0;      // at the previous evaluation
    double running_ns = 0;
    std::uint64_t requests = 0;
  };
  sim::Engine& engine_;
  const scenario::Scenario& scenario_;
  Cluster& cluster_;
  RunMetrics& metrics_;
  std::vector<Scaled> services_;  // by service index; autoscaler null when not scaled
};

}  // namespace fleetsim::models
