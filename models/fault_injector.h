// The scenario's faults at their times: kill tasks or hosts, spot interruptions, hung / slow /
// erroring tasks, zone outages, discovery outages, network partitions, scaling by hand.
// Tasks are chosen at random among the service's running tasks (stream "faults"); every fault
// and its end land in the results' events.
#pragma once

#include <vector>

#include "models/cluster.h"
#include "models/deployment_controller.h"
#include "models/discovery.h"
#include "models/request_flow.h"
#include "models/run_metrics.h"
#include "sim/engine.h"

namespace fleetsim::models {

class FaultInjector final : public sim::EventHandler {
 public:
  FaultInjector(sim::Engine& engine, const scenario::Scenario& scenario, Cluster& cluster, Discovery& discovery,
                RequestFlow& flow, DeploymentController& deployments, RunMetrics& metrics);
  void start();
  void on_event(std::uint64_t tag) override;

 private:
  // Tag: bit 63 set for the end of a fault; low bits the fault's index.
  static constexpr std::uint64_t kEnd = std::uint64_t{1} << 63;
  void begin(std::size_t index);
  void end(std::size_t index);
  std::vector<std::uint32_t> pick_tasks(std::uint32_t service, std::uint32_t count);
  std::vector<std::uint32_t> hosts_of(const scenario::Fault& fault) const;
  std::uint32_t region_index(const std::string& name) const;

  sim::Engine& engine_;
  const scenario::Scenario& scenario_;
  Cluster& cluster_;
  Discovery& discovery_;
  RequestFlow& flow_;
  DeploymentController& deployments_;
  RunMetrics& metrics_;
  sim::Rng rng_;
  std::vector<std::vector<std::uint32_t>> affected_;  // per fault: the tasks it changed
};

}  // namespace fleetsim::models
