#include "models/dns_router.h"

namespace fleetsim::models {

using Role = scenario::Region::Role;

DnsRouter::DnsRouter(sim::Engine& engine, const scenario::Scenario& s, const Cluster& cluster, RunMetrics& metrics)
    : engine_(engine), scenario_(s), cluster_(cluster), metrics_(metrics), rng_(sim::Rng::stream(s.seed, "dns")),
      healthy_(s.region_count, true), streak_(s.region_count, 0) {
  if (s.regions.size() > 1) {
    client_region_.assign(s.traffic.clients, 0);
    client_expiry_.assign(s.traffic.clients, -1);  // nobody has an answer yet
  }
  current_answer_ = answer();
}

void DnsRouter::start() {
  if (scenario_.regions.size() < 2) return;
  engine_.schedule_in(sim::from_seconds(scenario_.failover.health_check_interval_s), *this, 0, sim::Priority::kEarly);
}

std::uint32_t DnsRouter::answer() {
  const auto& regions = scenario_.regions;
  if (regions.size() < 2) return 0;
  const bool active_active = regions.front().role == Role::kActive;
  if (active_active) {
    double total = 0;
    for (std::uint32_t r = 0; r < regions.size(); ++r) total += healthy_[r] ? regions[r].weight : 0;
    if (total <= 0) return 0;  // nothing healthy: Route 53 answers as if all were healthy
    double u = rng_.uniform01() * total;
    for (std::uint32_t r = 0; r < regions.size(); ++r) {
      if (!healthy_[r]) continue;
      if (u < regions[r].weight) return r;
      u -= regions[r].weight;
    }
    return static_cast<std::uint32_t>(regions.size() - 1);
  }
  std::uint32_t primary = 0;
  for (std::uint32_t r = 0; r < regions.size(); ++r) {
    if (regions[r].role == Role::kPrimary) primary = r;
  }
  if (healthy_[primary]) return primary;
  for (std::uint32_t r = 0; r < regions.size(); ++r) {
    if (r != primary && healthy_[r]) return r;
  }
  return primary;
}

std::uint32_t DnsRouter::region_for(std::uint32_t client) {
  if (scenario_.regions.size() < 2) return 0;
  const sim::SimTime now = engine_.now();
  if (now < client_expiry_[client]) return client_region_[client];
  const bool active_active = scenario_.regions.front().role == Role::kActive;
  client_region_[client] = active_active ? answer() : current_answer_;
  // Sticky clients (stale resolvers, JVM caches) are chosen by id: the same ones every time.
  const auto& f = scenario_.failover;
  const bool sticky = static_cast<double>(sim::fnv1a64(std::to_string(client)) % 10'000) < f.sticky_share * 10'000;
  client_expiry_[client] = now + sim::from_seconds(f.dns_ttl_s + (sticky ? f.sticky_extra_s : 0));
  return client_region_[client];
}

void DnsRouter::on_event(std::uint64_t) {
  const auto& f = scenario_.failover;
  for (std::uint32_t r = 0; r < healthy_.size(); ++r) {
    const bool passed = !cluster_.region_down(r);
    if (passed == healthy_[r]) {
      streak_[r] = 0;
      continue;
    }
    if (++streak_[r] < f.failure_threshold) continue;
    healthy_[r] = passed;
    streak_[r] = 0;
    metrics_.event(engine_.now(), passed ? "region_healthy" : "region_unhealthy",
                   scenario_.regions[r].name + " (Route 53 health checks)");
  }
  const std::uint32_t next = answer();
  const bool active_active = scenario_.regions.front().role == Role::kActive;
  if (!active_active && next != current_answer_) {
    metrics_.event(engine_.now(), "dns_failover",
                   "DNS answers " + scenario_.regions[next].name + " instead of " + scenario_.regions[current_answer_].name);
    if (!healthy_[current_answer_]) metrics_.failover_detected(engine_.now());
    current_answer_ = next;
  }
  engine_.schedule_in(sim::from_seconds(f.health_check_interval_s), *this, 0, sim::Priority::kEarly);
}

}  // namespace fleetsim::models
