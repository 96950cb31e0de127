#include "models/health_checker.h"

namespace fleetsim::models {

HealthChecker::HealthChecker(sim::Engine& engine, const scenario::Scenario& s, const Cluster& cluster,
                             ServiceCatalog& catalog)
    : engine_(engine), scenario_(s), cluster_(cluster), catalog_(catalog) {}

void HealthChecker::start() {
  if (!scenario_.balancer.health_check.enabled) return;
  engine_.schedule_in(sim::from_seconds(scenario_.balancer.health_check.interval_s), *this, kProbe, sim::Priority::kEarly);
}

void HealthChecker::on_event(std::uint64_t tag) {
  const auto& spec = scenario_.balancer.health_check;
  const sim::SimTime now = engine_.now();
  if (tag == kFailuresKnown) {
    for (const Failure& f : failures_) {
      UpstreamGroup& group = catalog_[f.service].groups[f.instance];
      if (group.generation() == f.generation && f.slot < group.size()) group.record_check(f.slot, false, now);
    }
    failures_.clear();
    return;
  }
  for (std::uint32_t s = 0; s < catalog_.services().size(); ++s) {
    for (std::uint32_t i = 0; i < catalog_[s].groups.size(); ++i) {
      UpstreamGroup& group = catalog_[s].groups[i];
      for (std::uint32_t slot = 0; slot < group.size(); ++slot) {
        const Resolution r = cluster_.resolve(group.endpoint(slot));
        bool passed = r.kind == Resolution::Kind::kTask;
        if (passed) {
          const Task& task = cluster_.tasks()[r.task];
          passed = !task.hung && catalog_[task.service].versions[task.version].healthy;
        }
        if (passed) {
          group.record_check(slot, true, now);
        } else {
          failures_.push_back({s, i, slot, group.generation()});
        }
      }
    }
  }
  if (!failures_.empty()) engine_.schedule_in(sim::from_seconds(spec.timeout_s), *this, kFailuresKnown, sim::Priority::kEarly);
  engine_.schedule_in(sim::from_seconds(spec.interval_s), *this, kProbe, sim::Priority::kEarly);
}

}  // namespace fleetsim::models
