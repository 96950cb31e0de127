#include "models/deployment_controller.h"

#include <algorithm>
#include <cmath>

namespace fleetsim::models {

namespace {
constexpr sim::SimTime kTick = sim::kNanosPerSecond;
}

DeploymentController::DeploymentController(sim::Engine& engine, const scenario::Scenario& s, Cluster& cluster,
                                           const ServiceCatalog& catalog, Discovery& discovery, RunMetrics& metrics)
    : engine_(engine), scenario_(s), cluster_(cluster), catalog_(catalog), discovery_(discovery), metrics_(metrics),
      versions_(service_versions(s)),
      detection_(sim::from_seconds(s.balancer.health_check.unhealthy_threshold * s.balancer.health_check.interval_s)),
      rise_(sim::from_seconds(s.balancer.health_check.healthy_threshold * s.balancer.health_check.interval_s)),
      rollouts_(s.services.size()) {}

void DeploymentController::deploy(std::size_t fault) {
  const scenario::Fault& f = scenario_.faults[fault];
  const auto service = static_cast<std::uint32_t>(catalog_.index_of(f.service));
  Rollout& r = rollouts_[service];
  const bool was_idle = r.phase == Phase::kIdle;
  r = Rollout{};
  r.from = cluster_.target_version(service);
  r.to = static_cast<std::uint32_t>(versions_.version_of_fault[fault]);
  r.label = f.version.label;
  const std::uint32_t desired = std::max<std::uint32_t>(cluster_.desired(service), 1);
  r.threshold = std::min<std::uint32_t>(200, std::max<std::uint32_t>(3, (desired + 1) / 2));
  cluster_.set_target_version(service, r.to);
  const auto& d = scenario_.services[service].deployment;
  if (d.strategy == scenario::Deployment::Strategy::kRolling) {
    r.phase = Phase::kRolling;
  } else {
    r.phase = Phase::kProvisioning;
    // Green: a full set of new tasks beside blue, not yet registered for traffic.
    for (std::uint32_t i = 0; i < desired; ++i) cluster_.start_task(service, false);
  }
  metrics_.event(engine_.now(), "deploy_start",
                 f.service + " " + versions_.versions[service][r.from].label + " -> " + r.label + " (" +
                     (d.strategy == scenario::Deployment::Strategy::kRolling ? "rolling" : "blue-green") + ")");
  if (was_idle) engine_.schedule_in(0, *this, service, sim::Priority::kLate);
}

void DeploymentController::on_event(std::uint64_t tag) {
  const auto service = static_cast<std::uint32_t>(tag);
  if (rollouts_[service].phase == Phase::kIdle) return;
  tick(service);
  if (rollouts_[service].phase != Phase::kIdle) engine_.schedule_in(kTick, *this, tag, sim::Priority::kLate);
}

void DeploymentController::tick(std::uint32_t service) {
  Rollout& r = rollouts_[service];
  if (check_failures(service, r)) return;
  if (r.phase == Phase::kRolling) {
    roll(service, r);
  } else {
    blue_green(service, r);
  }
}

bool DeploymentController::check_failures(std::uint32_t service, Rollout& r) {
  if (catalog_[service].versions[r.to].healthy) return false;
  const auto& d = scenario_.services[service].deployment;
  const sim::SimTime now = engine_.now();
  const sim::SimTime found_after = sim::from_seconds(d.health_check_grace_s) + detection_;
  for (const Task& t : cluster_.tasks()) {
    if (t.service != service || t.version != r.to || t.state != TaskState::kRunning) continue;
    if (now < t.ready_at + found_after) continue;
    ++r.failures;
    metrics_.event(now, "deploy_task_failed",
                   scenario_.services[service].name + " task " + std::to_string(t.id) + " (" + r.label +
                       ") failed its health checks; " + std::to_string(r.failures) + " of " +
                       std::to_string(r.threshold) + " failures");
    cluster_.kill_task(t.id, "failed health checks");  // the scheduler replaces it
    if (d.circuit_breaker && r.failures >= r.threshold) {
      if (d.rollback) {
        roll_back(service, r);
      } else {
        finish(service, r, "deploy_failed", scenario_.services[service].name + " " + r.label +
                                                ": circuit breaker tripped; no rollback configured");
      }
      return true;
    }
  }
  return false;
}

void DeploymentController::roll_back(std::uint32_t service, Rollout& r) {
  const std::uint32_t bad = r.to;
  cluster_.set_target_version(service, r.from);
  // New-version tasks go; the scheduler brings the old version back to the desired count.
  for (const Task& t : cluster_.tasks()) {
    if (t.service == service && t.version == bad && t.state != TaskState::kStopped) cluster_.drain_task(t.id);
  }
  for (Task& t : cluster_.tasks()) {
    if (t.service == service && t.version == r.from && t.state == TaskState::kRunning && !t.serving) t.serving = true;
  }
  cluster_.set_desired(service, cluster_.desired(service), "rollback");
  discovery_.tasks_changed();
  finish(service, r, "deploy_rollback",
         scenario_.services[service].name + ": circuit breaker tripped after " + std::to_string(r.failures) +
             " failed tasks; rolled back to " + versions_.versions[service][r.from].label);
}

void DeploymentController::roll(std::uint32_t service, Rollout& r) {
  const auto& d = scenario_.services[service].deployment;
  const std::uint32_t n = cluster_.desired(service);
  const auto max_total = static_cast<std::uint32_t>(std::floor(n * d.max_percent / 100 + 1e-9));
  const auto min_healthy = static_cast<std::uint32_t>(std::ceil(n * d.min_healthy_percent / 100 - 1e-9));
  const sim::SimTime now = engine_.now();
  const sim::SimTime settled = sim::from_seconds(d.health_check_grace_s) + rise_;
  const bool healthy = catalog_[service].versions[r.to].healthy;
  std::uint32_t old_running = 0, new_active = 0, new_ready = 0;
  std::vector<std::uint32_t> old_tasks;
  for (const Task& t : cluster_.tasks()) {
    if (t.service != service || t.state == TaskState::kStopped || t.state == TaskState::kDraining) continue;
    if (t.version != r.to) {
      if (t.state == TaskState::kRunning) {
        ++old_running;
        old_tasks.push_back(t.id);
      } else {
        cluster_.stop_task_now(t.id);  // an old task still starting is not needed
      }
      continue;
    }
    ++new_active;
    // ECS counts a new task once it is healthy: ready and through the health-check window.
    if (t.state == TaskState::kRunning && healthy && now >= t.ready_at + settled) ++new_ready;
  }
  // Launch new tasks within the maximum, then retire old ones while enough stay healthy.
  const std::int64_t room = static_cast<std::int64_t>(max_total) - old_running - new_active;
  const std::int64_t wanted = static_cast<std::int64_t>(n) - new_active;
  for (std::int64_t i = 0; i < std::min(room, wanted); ++i) cluster_.start_task(service, true);
  std::int64_t retire = static_cast<std::int64_t>(old_running) + new_ready - min_healthy;
  retire = std::min<std::int64_t>(retire, old_running);
  for (std::int64_t i = 0; i < retire; ++i) cluster_.drain_task(old_tasks[static_cast<std::size_t>(i)]);
  if (old_running - std::max<std::int64_t>(retire, 0) == 0 && new_ready >= n) {
    finish(service, r, "deploy_complete", scenario_.services[service].name + " runs " + r.label + " on " +
                                              std::to_string(new_ready) + " tasks");
  }
}

void DeploymentController::blue_green(std::uint32_t service, Rollout& r) {
  const auto& d = scenario_.services[service].deployment;
  const sim::SimTime now = engine_.now();
  if (r.phase == Phase::kProvisioning) {
    // Green must be complete and past the health-check window before traffic moves.
    const std::uint32_t n = cluster_.desired(service);
    const sim::SimTime settled = sim::from_seconds(d.health_check_grace_s) + rise_;
    const bool healthy = catalog_[service].versions[r.to].healthy;
    std::uint32_t ready = 0, active = 0;
    for (const Task& t : cluster_.tasks()) {
      if (t.service != service || t.version != r.to) continue;
      if (t.state == TaskState::kPending || t.state == TaskState::kStarting) ++active;
      if (t.state == TaskState::kRunning) {
        ++active;
        if (healthy && now >= t.ready_at + settled) ++ready;
      }
    }
    // Replacements of failed green tasks come unregistered too.
    for (Task& t : cluster_.tasks()) {
      if (t.service == service && t.version == r.to && t.state != TaskState::kRunning) t.serving = false;
    }
    if (active < n) {
      for (std::uint32_t i = active; i < n; ++i) cluster_.start_task(service, false);
    }
    if (ready < n) return;
    r.phase = Phase::kShifting;
    r.share_percent = d.shift == scenario::Deployment::Shift::kAllAtOnce ? 100
                      : d.shift == scenario::Deployment::Shift::kCanary  ? d.canary_percent
                                                                         : d.step_percent;
    r.next_step = now + sim::from_seconds(d.step_interval_s);
    apply_share(service, r);
    return;
  }
  if (r.phase == Phase::kShifting) {
    if (r.share_percent >= 100) {
      r.phase = Phase::kBaking;
      r.next_step = now + sim::from_seconds(d.bake_s);
      return;
    }
    if (now < r.next_step) return;
    r.share_percent = d.shift == scenario::Deployment::Shift::kCanary ? 100 : std::min(100.0, r.share_percent + d.step_percent);
    r.next_step = now + sim::from_seconds(d.step_interval_s);
    apply_share(service, r);
    return;
  }
  if (r.phase == Phase::kBaking && now >= r.next_step) {
    for (const Task& t : cluster_.tasks()) {
      if (t.service == service && t.version != r.to && t.state != TaskState::kStopped) cluster_.drain_task(t.id);
    }
    finish(service, r, "deploy_complete", scenario_.services[service].name + " runs " + r.label + " (blue tasks stopped)");
  }
}

void DeploymentController::apply_share(std::uint32_t service, Rollout& r) {
  std::vector<Task*> green, blue;
  for (Task& t : cluster_.tasks()) {
    if (t.service != service || t.state != TaskState::kRunning) continue;
    (t.version == r.to ? green : blue).push_back(&t);
  }
  const std::size_t n = std::max(green.size(), blue.size());
  auto green_serving = static_cast<std::size_t>(std::ceil(r.share_percent / 100 * static_cast<double>(n) - 1e-9));
  green_serving = std::min(green_serving, green.size());
  const std::size_t blue_serving = r.share_percent >= 100 ? 0 : std::max<std::size_t>(n - green_serving, 1);
  for (std::size_t i = 0; i < green.size(); ++i) green[i]->serving = i < green_serving;
  for (std::size_t i = 0; i < blue.size(); ++i) blue[i]->serving = i < std::min(blue_serving, blue.size());
  discovery_.tasks_changed();
  metrics_.event(engine_.now(), "deploy_shift",
                 scenario_.services[service].name + ": " + std::to_string(static_cast<int>(r.share_percent)) + " % to " +
                     r.label + " (" + std::to_string(green_serving) + " green, " +
                     std::to_string(std::min(blue_serving, blue.size())) + " blue tasks registered)");
}

void DeploymentController::finish(std::uint32_t /*service*/, Rollout& r, const std::string& kind, const std::string& detail) {
  r.phase = Phase::kIdle;
  metrics_.event(engine_.now(), kind, detail);
}

}  // namespace fleetsim::models
