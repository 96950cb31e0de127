#include "models/fault_injector.h"

#include <algorithm>
#include <cstdio>

namespace fleetsim::models {

using Kind = scenario::Fault::Kind;

namespace {
std::string list_ids(const std::vector<std::uint32_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out.empty() ? "none" : out;
}
// A number as people write it: 120, 0.5, 12.25 (no trailing zeros).
std::string format_seconds(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", x);
  return buffer;
}
}  // namespace

FaultInjector::FaultInjector(sim::Engine& engine, const scenario::Scenario& s, Cluster& cluster, Discovery& discovery,
                             RequestFlow& flow, DeploymentController& deployments, RunMetrics& metrics)
    : engine_(engine), scenario_(s), cluster_(cluster), discovery_(discovery), flow_(flow), deployments_(deployments),
      metrics_(metrics),
      rng_(sim::Rng::stream(s.replay_seed(), "faults")), affected_(s.faults.size()) {}

void FaultInjector::start() {
  for (std::size_t i = 0; i < scenario_.faults.size(); ++i) {
    engine_.schedule_at(sim::from_seconds(scenario_.faults[i].at_s), *this, i, sim::Priority::kEarly);
  }
}

void FaultInjector::on_event(std::uint64_t tag) {
  if (tag & kEnd) {
    end(static_cast<std::size_t>(tag & ~kEnd));
  } else {
    begin(static_cast<std::size_t>(tag));
  }
}

std::vector<std::uint32_t> FaultInjector::pick_tasks(std::uint32_t service, std::uint32_t count) {
  std::vector<std::uint32_t> running = cluster_.running_tasks(service);
  // A partial Fisher-Yates shuffle: `count` distinct tasks, uniformly.
  const std::size_t n = std::min<std::size_t>(count, running.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng_.below(running.size() - i));
    std::swap(running[i], running[j]);
  }
  running.resize(n);
  std::sort(running.begin(), running.end());
  return running;
}

std::uint32_t FaultInjector::region_index(const std::string& name) const {
  for (std::uint32_t r = 0; r < scenario_.regions.size(); ++r) {
    if (scenario_.regions[r].name == name) return r;
  }
  return 0;  // validated by the parser
}

std::vector<std::uint32_t> FaultInjector::hosts_of(const scenario::Fault& f) const {
  std::vector<std::uint32_t> hosts;
  if (f.host >= 0) {
    hosts.push_back(static_cast<std::uint32_t>(f.host));
    return hosts;
  }
  const std::uint32_t zone = cluster_.zone_index(f.zone);
  for (std::uint32_t h = 0; h < cluster_.host_count(); ++h) {
    if (cluster_.zone_of_host(h) == zone) hosts.push_back(h);
  }
  return hosts;
}

void FaultInjector::begin(std::size_t index) {
  const scenario::Fault& f = scenario_.faults[index];
  const sim::SimTime now = engine_.now();
  const std::uint32_t service = f.service.empty() ? 0 : static_cast<std::uint32_t>(
      std::find_if(scenario_.services.begin(), scenario_.services.end(), [&](auto& s) { return s.name == f.service; }) -
      scenario_.services.begin());
  std::string detail;
  auto& tasks = affected_[index];
  switch (f.kind) {
    case Kind::kKillTask:
      tasks = pick_tasks(service, f.count);
      for (auto t : tasks) cluster_.kill_task(t, "fault");  // its connections reset (RequestFlow::task_killed)
      detail = f.service + ": killed task " + list_ids(tasks);
      break;
    case Kind::kSpotInterruption:
      tasks = pick_tasks(service, f.count);
      for (auto t : tasks) cluster_.interrupt_task(t, sim::from_seconds(f.warning_s));
      detail = f.service + ": interruption notice for task " + list_ids(tasks) + "; stopped " +
               format_seconds(f.warning_s) + " later, replaced now";
      break;
    case Kind::kHangTask:
    case Kind::kSlowTask:
    case Kind::kErrorTask:
      tasks = pick_tasks(service, f.count);
      for (auto t : tasks) {
        Task& task = cluster_.tasks()[t];
        if (f.kind == Kind::kHangTask) task.hung = true;
        if (f.kind == Kind::kSlowTask) task.extra_ms += f.extra_ms;
        if (f.kind == Kind::kErrorTask) task.error_rate = f.error_rate;
      }
      detail = f.service + ": task " + list_ids(tasks);
      if (f.kind == Kind::kSlowTask) detail += " +" + format_seconds(f.extra_ms) + " ms";
      if (f.kind == Kind::kErrorTask) detail += " error rate " + format_seconds(f.error_rate);
      break;
    case Kind::kKillHost:
    case Kind::kZoneOutage:
      for (auto h : hosts_of(f)) {
        cluster_.kill_host(h, f.kind_name);
        tasks.push_back(h);
      }
      detail = (f.kind == Kind::kZoneOutage ? "zone " + f.zone + ": " : std::string()) + "host " + list_ids(tasks) + " down";
      break;
    case Kind::kDiscoveryOutage:
      discovery_.set_outage(true);
      detail = "discovery stops";
      break;
    case Kind::kNetworkPartition:
      cluster_.set_zone_partitioned(cluster_.zone_index(f.zone), true);
      detail = "balancers cannot reach zone " + f.zone;
      break;
    case Kind::kScale:
      cluster_.set_desired(service, f.replicas, "scale fault");  // logs the "scale" event
      return;
    case Kind::kExec:
      detail = "exec is run by the load generator only: " + f.command;
      break;
    case Kind::kDeploy:
      deployments_.deploy(index);  // logs its own events
      return;
    case Kind::kRegionOutage: {
      const auto region = region_index(f.region);
      cluster_.set_region_down(region, true);
      metrics_.region_outage(now);
      detail = "region " + f.region + " stops answering";
      break;
    }
  }
  metrics_.event(now, f.kind_name, detail);
  const bool lasting = f.kind == Kind::kHangTask || f.kind == Kind::kSlowTask || f.kind == Kind::kErrorTask ||
                       f.kind == Kind::kZoneOutage || f.kind == Kind::kDiscoveryOutage ||
                       f.kind == Kind::kNetworkPartition || f.kind == Kind::kKillHost || f.kind == Kind::kRegionOutage;
  if (lasting && f.duration_s > 0) {
    engine_.schedule_in(sim::from_seconds(f.duration_s), *this, kEnd | index, sim::Priority::kEarly);
  }
}

void FaultInjector::end(std::size_t index) {
  const scenario::Fault& f = scenario_.faults[index];
  auto& ids = affected_[index];
  switch (f.kind) {
    case Kind::kHangTask:
      for (auto t : ids) {
        cluster_.tasks()[t].hung = false;
        flow_.task_resumed(t);
      }
      break;
    case Kind::kSlowTask:
      for (auto t : ids) cluster_.tasks()[t].extra_ms -= f.extra_ms;
      break;
    case Kind::kErrorTask:
      for (auto t : ids) cluster_.tasks()[t].error_rate = -1;
      break;
    case Kind::kKillHost:
    case Kind::kZoneOutage:
      for (auto h : ids) cluster_.restore_host(h);
      break;
    case Kind::kDiscoveryOutage: discovery_.set_outage(false); break;
    case Kind::kRegionOutage: cluster_.set_region_down(region_index(f.region), false); break;
    case Kind::kNetworkPartition: cluster_.set_zone_partitioned(cluster_.zone_index(f.zone), false); break;
    default: break;
  }
  std::string what = !f.service.empty() ? f.service : !f.zone.empty() ? "zone " + f.zone
                     : !f.region.empty()  ? "region " + f.region
                     : f.host >= 0        ? "host " + std::to_string(f.host)
                                          : std::string();
  metrics_.event(engine_.now(), f.kind_name + "_end", what);
}

}  // namespace fleetsim::models
