// Active health checks (HAProxy `check`, ALB target-group checks): every interval_s each balancer
// instance probes every endpoint it holds. A probe passes when a task answers on the endpoint
// (a task of another service answers too: a reused port fools a health check); it fails when
// the port is closed, the host is gone or the task is hung. A failure is known at the probe's
// timeout, a pass at once. The health check itself takes no worker (it is cheap next to real
// requests, and a saturated task still answers its /health in this model).
#pragma once

#include <vector>

#include "models/cluster.h"
#include "models/service_catalog.h"
#include "sim/engine.h"

namespace fleetsim::models {

class HealthChecker final : public sim::EventHandler {
 public:
  HealthChecker(sim::Engine& engine, const scenario::Scenario& scenario, const Cluster& cluster, ServiceCatalog& catalog);
  void start();
  void on_event(std::uint64_t tag) override;

 private:
  enum Tag : std::uint64_t { kProbe = 1, kFailuresKnown = 2 };
  struct Failure {
    std::uint32_t service, instance, slot, generation;
  };
  sim::Engine& engine_;
  const scenario::Scenario& scenario_;
  const Cluster& cluster_;
  ServiceCatalog& catalog_;
  std::vector<Failure> failures_;  // of the last round, recorded at its timeout
};

}  // namespace fleetsim::models
