// Deployments, started by `deploy` faults: ECS rolling updates (minimum healthy / maximum
// percent) and blue-green with CodeDeploy-style traffic shifting (all at once, canary, linear),
// with ECS's deployment circuit breaker and rollback.
//
// A deployment is watched once a second while it runs. A new task counts as healthy
// health_check_grace_s + healthy_threshold × interval_s after it became ready; a new task of a
// version that fails its health checks is found out health_check_grace_s + unhealthy_threshold ×
// interval_s after it became ready (the balancer's health-check settings, also when active checks are off: then
// they stand for ECS's own checks); it is stopped, counted, and replaced by the scheduler. At
// min(200, max(3, ceil(desired / 2))) failures the circuit breaker fails the deployment and,
// with rollback, restores the previous version.
//
// Simplifications: blue-green traffic weight is realised by how many green and blue tasks are
// registered (an ALB weighs two target groups instead); autoscaling is not held back during a
// deployment; a deploy on a service that is still deploying replaces the running deployment.
#pragma once

#include <vector>

#include "models/cluster.h"
#include "models/discovery.h"
#include "models/run_metrics.h"
#include "models/service_catalog.h"
#include "models/versions.h"
#include "sim/engine.h"

namespace fleetsim::models {

class DeploymentController final : public sim::EventHandler {
 public:
  DeploymentController(sim::Engine& engine, const scenario::Scenario& scenario, Cluster& cluster,
                       const ServiceCatalog& catalog, Discovery& discovery, RunMetrics& metrics);
  // A deploy fault (index into scenario.faults) starts now.
  void deploy(std::size_t fault);
  void on_event(std::uint64_t service) override;

 private:
  enum class Phase { kIdle, kRolling, kProvisioning, kShifting, kBaking };
  struct Rollout {
    Phase phase = Phase::kIdle;
    std::uint32_t from = 0;        // the version being replaced
    std::uint32_t to = 0;          // the version being deployed
    std::uint32_t failures = 0;    // new tasks stopped for failing health checks
    std::uint32_t threshold = 3;
    double share_percent = 0;      // blue-green: traffic on green
    sim::SimTime next_step = 0;    // blue-green: when the share grows next / baking ends
    std::string label;
  };
  void tick(std::uint32_t service);
  // Stops new tasks that failed their health checks; true when the circuit breaker tripped.
  bool check_failures(std::uint32_t service, Rollout& r);
  void roll(std::uint32_t service, Rollout& r);
  void blue_green(std::uint32_t service, Rollout& r);
  void apply_share(std::uint32_t service, Rollout& r);
  void finish(std::uint32_t service, Rollout& r, const std::string& kind, const std::string& detail);
  void roll_back(std::uint32_t service, Rollout& r);

  sim::Engine& engine_;
  const scenario::Scenario& scenario_;
  Cluster& cluster_;
  const ServiceCatalog& catalog_;
  Discovery& discovery_;
  RunMetrics& metrics_;
  ServiceVersions versions_;
  sim::SimTime detection_;  // from ready to a failing task being found out
  sim::SimTime rise_;       // from ready to a good task counted healthy
  std::vector<Rollout> rollouts_;
};

}  // namespace fleetsim::models
