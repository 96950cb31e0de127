// How balancers learn where tasks are. Three modes (scenario `discovery.mode`):
//   static:   the tasks running at the start, for ever (no discovery at all);
//   poll:     a script lists the running tasks every interval_s (balancer instance i at
//             phase_s + i × interval_s / instances when staggered), writes the configuration
//             after listing_s and reloads the balancer after reload_s more: nginx plus a cron
//             script over the ECS API, as in the nginx-on-EC2 reference architecture;
//   registry: a task is registered when it becomes ready and deregistered when it starts
//             draining, and every balancer sees the change after reload_s (ALB target groups,
//             Cloud Map).
// A discovery outage stops listings (poll) or registrations (registry) until it ends.
#pragma once

#include <vector>

#include "models/cluster.h"
#include "models/run_metrics.h"
#include "models/service_catalog.h"
#include "sim/engine.h"

namespace fleetsim::models {

class Discovery final : public sim::EventHandler {
 public:
  Discovery(sim::Engine& engine, const scenario::Scenario& scenario, const Cluster& cluster, ServiceCatalog& catalog,
            RunMetrics& metrics);

  // Gives every balancer the tasks running now, and schedules the first listings.
  void start();
  // registry mode: a task became ready, started draining or stopped.
  void tasks_changed();
  void set_outage(bool outage) { outage_ = outage; }
  void on_event(std::uint64_t tag) override;

 private:
  using Snapshot = std::vector<std::vector<UpstreamMember>>;  // per service
  enum Tag : std::uint64_t { kList = 1, kApply = 2, kRegistryApply = 3 };

  Snapshot snapshot(bool probe) const;
  void apply(std::uint32_t instance, const Snapshot& snapshot, bool initial = false);

  sim::Engine& engine_;
  const scenario::Scenario& scenario_;
  const Cluster& cluster_;
  ServiceCatalog& catalog_;
  RunMetrics& metrics_;
  std::vector<Snapshot> listed_;  // per instance: the listing waiting to be applied
  bool outage_ = false;
  bool registry_update_pending_ = false;
};

}  // namespace fleetsim::models
