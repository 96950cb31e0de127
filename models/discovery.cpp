#include "models/discovery.h"

namespace fleetsim::models {

using Mode = scenario::Discovery::Mode;

Discovery::Discovery(sim::Engine& engine, const scenario::Scenario& s, const Cluster& cluster, ServiceCatalog& catalog,
                     RunMetrics& metrics)
    : engine_(engine), scenario_(s), cluster_(cluster), catalog_(catalog), metrics_(metrics),
      listed_(s.balancer.instances) {}

Discovery::Snapshot Discovery::snapshot(bool probe) const {
  Snapshot out(catalog_.services().size());
  for (const Task& task : cluster_.tasks()) {
    if (task.state != TaskState::kRunning || !task.serving) continue;
    // The script's health probe gets no answer from a hung task, a failing one from a bad version.
    if (probe && (task.hung || !catalog_[task.service].versions[task.version].healthy)) continue;
    out[task.service].push_back({task.endpoint, task.weight});
  }
  return out;
}

void Discovery::apply(std::uint32_t instance, const Snapshot& snap, bool initial) {
  for (std::uint32_t s = 0; s < snap.size(); ++s) {
    UpstreamGroup& group = catalog_[s].groups[instance];
    bool same = group.size() == snap[s].size();
    for (std::size_t i = 0; same && i < snap[s].size(); ++i) same = group.endpoint(i) == snap[s][i].endpoint;
    if (same) continue;
    const std::size_t before = group.size();
    group.set_members(snap[s], initial);
    if (engine_.now() > 0 && instance == 0) {
      metrics_.event(engine_.now(), "discovery",
                     catalog_[s].name + ": " + std::to_string(before) + " -> " + std::to_string(snap[s].size()) +
                         " endpoints (balancer instance 0)");
    }
  }
}

void Discovery::start() {
  const Snapshot initial = snapshot(false);
  for (std::uint32_t i = 0; i < scenario_.balancer.instances; ++i) apply(i, initial, true);
  if (scenario_.discovery.mode != Mode::kPoll) return;
  const auto& d = scenario_.discovery;
  const std::uint32_t n = scenario_.balancer.instances;
  for (std::uint32_t i = 0; i < n; ++i) {
    const double offset = d.stagger_instances ? d.interval_s * i / n : 0.0;
    const double first = d.phase_s + offset;
    // The first listing is at phase (+ stagger); at 0 the balancers start with the initial set.
    const double at = first > 0 ? first : d.interval_s;
    engine_.schedule_at(sim::from_seconds(at), *this, (std::uint64_t{kList} << 32) | i, sim::Priority::kEarly);
  }
}

void Discovery::tasks_changed() {
  if (scenario_.discovery.mode != Mode::kRegistry || registry_update_pending_) return;
  registry_update_pending_ = true;
  engine_.schedule_in(sim::from_seconds(scenario_.discovery.reload_s), *this, std::uint64_t{kRegistryApply} << 32,
                      sim::Priority::kEarly);
}

void Discovery::on_event(std::uint64_t tag) {
  const auto instance = static_cast<std::uint32_t>(tag);
  const auto& d = scenario_.discovery;
  switch (static_cast<Tag>(tag >> 32)) {
    case kList:
      if (!outage_) {
        listed_[instance] = snapshot(d.health_probe);
        engine_.schedule_in(sim::from_seconds(d.listing_s + d.reload_s), *this, (std::uint64_t{kApply} << 32) | instance,
                            sim::Priority::kEarly);
      }
      engine_.schedule_in(sim::from_seconds(d.interval_s), *this, tag, sim::Priority::kEarly);
      break;
    case kApply: apply(instance, listed_[instance]); break;
    case kRegistryApply: {
      registry_update_pending_ = false;
      if (outage_) {
        // Try again after the outage, checking once a second.
        registry_update_pending_ = true;
        engine_.schedule_in(sim::kNanosPerSecond, *this, std::uint64_t{kRegistryApply} << 32, sim::Priority::kEarly);
        break;
      }
      const Snapshot now = snapshot(false);
      for (std::uint32_t i = 0; i < scenario_.balancer.instances; ++i) apply(i, now);
      break;
    }
  }
}

}  // namespace fleetsim::models
