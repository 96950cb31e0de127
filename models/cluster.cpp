#include "models/cluster.h"

#include <algorithm>
#include <cassert>

#include "models/regions.h"

namespace fleetsim::models {

namespace {
constexpr double kEpsilon = 1e-9;  // vCPU and GB comparisons after repeated subtraction
}

Cluster::Cluster(sim::Engine& engine, const scenario::Scenario& s, ClusterObserver& observer)
    : engine_(engine),
      scenario_(s),
      observer_(observer),
      placement_rng_(sim::Rng::stream(s.seed, "cluster.placement")),
      port_rng_(sim::Rng::stream(s.seed, "cluster.ports")),
      zone_partitioned_(s.hosts.zones.size(), false),
      region_down_(s.region_count, false),
      desired_(s.services.size(), 0),
      running_(s.services.size(), 0),
      pending_(s.services.size(), 0),
      created_(s.services.size(), 0),
      target_version_(s.services.size(), 0),
      versions_(service_versions(s)) {
  if (s.hosts.given) {
    for (std::uint32_t i = 0; i < s.hosts.count; ++i) {
      // Region r's hosts take region r's zones in turn.
      const auto zones_per_region = static_cast<std::uint32_t>(s.hosts.zones.size() / s.region_count);
      const std::uint32_t zone = region_of_host(s, i) * zones_per_region + (i % s.hosts_per_region) % zones_per_region;
      hosts_.push_back(Host{zone, s.hosts.vcpu, s.hosts.memory_gb, true,
                            PortAllocator(s.hosts.port_min, s.hosts.port_max, s.hosts.port_reuse),
                            {},
                            std::vector<std::uint32_t>(s.services.size(), 0)});
    }
  }
  alive_hosts_ = static_cast<std::uint32_t>(hosts_.size());
  zone_service_tasks_.assign(s.hosts.zones.size() * s.services.size(), 0);
}

std::uint32_t Cluster::zone_index(const std::string& zone) const {
  const auto& zones = scenario_.hosts.zones;
  return static_cast<std::uint32_t>(std::find(zones.begin(), zones.end(), zone) - zones.begin());
}

void Cluster::account_hosts() {
  const sim::SimTime now = engine_.now();
  host_seconds_ += alive_hosts_ * sim::to_seconds(now - host_seconds_at_);
  host_seconds_at_ = now;
}

double Cluster::host_seconds(sim::SimTime now) const {
  return host_seconds_ + alive_hosts_ * sim::to_seconds(now - host_seconds_at_);
}

void Cluster::schedule(sim::SimTime delay, Tag tag, std::uint32_t value) {
  engine_.schedule_in(delay, *this, (static_cast<std::uint64_t>(tag) << 32) | value, sim::Priority::kEarly);
}

void Cluster::start() {
  for (std::uint32_t s = 0; s < scenario_.services.size(); ++s) {
    desired_[s] = scenario_.services[s].replicas;
    for (std::uint32_t i = 0; i < desired_[s]; ++i) {
      Task& task = tasks_[create_task(s)];
      if (place(task)) make_ready(task);  // the run starts in steady state
    }
  }
}

std::uint32_t Cluster::create_task(std::uint32_t service) {
  Task task;
  task.id = static_cast<std::uint32_t>(tasks_.size());
  task.service = service;
  task.state = TaskState::kPending;
  const auto& spec = scenario_.services[service].task;
  task.station = TaskStation(spec.workers, spec.queue_limit);
  const auto& weights = scenario_.services[service].weights;
  task.weight = weights.empty() ? 1.0 : weights[created_[service] % weights.size()];
  task.ordinal = created_[service]++;
  task.version = target_version_[service];
  tasks_.push_back(std::move(task));
  ++pending_[service];
  return tasks_.back().id;
}

bool Cluster::place(Task& task) {
  assert(task.state == TaskState::kPending);
  const auto& spec = scenario_.services[task.service];
  if (!scenario_.hosts.given) {
    task.endpoint = {static_cast<std::uint32_t>(hosts_.size() + fargate_task_of_address_.size()),
                     spec.task.container_port};
    fargate_task_of_address_.push_back(task.id);
    const auto zones_per_region = static_cast<std::uint32_t>(scenario_.hosts.zones.size() / scenario_.region_count);
    task.zone = region_of_service(scenario_, task.service) * zones_per_region + next_fargate_zone_++ % zones_per_region;
  } else {
    std::int64_t best = -1;
    // Candidates: live hosts of the service's region with room (a free port is checked after).
    // One pass, no allocation: this runs for every task start, 10,000 times at a fleet's start.
    // The service's region's hosts are one range: [region × hosts_per_region, + hosts_per_region).
    const std::uint32_t region = region_of_service(scenario_, task.service);
    const std::uint32_t per_region = scenario_.hosts_per_region == 0 ? static_cast<std::uint32_t>(hosts_.size())
                                                                     : scenario_.hosts_per_region;
    const std::uint32_t first_host = scenario_.hosts_per_region == 0 ? 0 : region * per_region;
    const std::uint32_t end_host = std::min<std::uint32_t>(static_cast<std::uint32_t>(hosts_.size()), first_host + per_region);
    auto eligible = [&](std::uint32_t h) {
      const Host& host = hosts_[h];
      if (!host.alive || host.free_vcpu + kEpsilon < spec.task.vcpu || host.free_memory_gb + kEpsilon < spec.task.memory_gb) return false;
      return !(spec.placement == scenario::Service::Placement::kDistinctInstance && host.service_tasks[task.service] > 0);
    };
    switch (spec.placement) {
      case scenario::Service::Placement::kRandom: {
        placement_candidates_.clear();
        for (std::uint32_t h = first_host; h < end_host; ++h) {
          if (eligible(h)) placement_candidates_.push_back(h);
        }
        if (placement_candidates_.empty()) return false;
        best = placement_candidates_[placement_rng_.below(placement_candidates_.size())];
        break;
      }
      case scenario::Service::Placement::kBinpack: {
        // ECS binpack on memory: the host with the least memory left that still fits.
        for (std::uint32_t h = first_host; h < end_host; ++h) {
          if (!eligible(h)) continue;
          if (best < 0 || hosts_[h].free_memory_gb < hosts_[static_cast<std::size_t>(best)].free_memory_gb - kEpsilon) best = h;
        }
        break;
      }
      default: {
        // ECS spread(attribute:ecs.availability-zone) then spread(instanceId): the zone with the
        // fewest tasks of this service, then the host there with the fewest, then the lowest index.
        for (std::uint32_t h = first_host; h < end_host; ++h) {
          if (!eligible(h)) continue;
          if (best < 0) {
            best = h;
            continue;
          }
          const Host& a = hosts_[h];
          const Host& b = hosts_[static_cast<std::size_t>(best)];
          const std::uint32_t za = zone_tasks(a.zone, task.service), zb = zone_tasks(b.zone, task.service);
          if (za < zb || (za == zb && a.service_tasks[task.service] < b.service_tasks[task.service])) best = h;
        }
      }
    }
    if (best < 0) return false;
    Host& host = hosts_[static_cast<std::size_t>(best)];
    const auto port = host.ports.acquire(port_rng_);
    if (!port) return false;  // every port in the range is taken
    host.free_vcpu -= spec.task.vcpu;
    host.free_memory_gb -= spec.task.memory_gb;
    host.bound.emplace_back(*port, task.id);
    ++host.service_tasks[task.service];
    ++zone_tasks(host.zone, task.service);
    task.host = static_cast<std::int32_t>(best);
    task.zone = host.zone;
    task.endpoint = {static_cast<std::uint32_t>(best), *port};
  }
  --pending_[task.service];
  task.state = TaskState::kStarting;
  task.started_at = engine_.now();
  observer_.task_placed(task);
  return true;
}

void Cluster::make_ready(Task& task) {
  task.state = TaskState::kRunning;
  task.ready_at = engine_.now();
  ++running_[task.service];
  observer_.task_ready(task);
}

void Cluster::drain(Task& task, sim::SimTime stop_after) {
  if (task.state == TaskState::kRunning) --running_[task.service];
  task.state = TaskState::kDraining;
  observer_.task_draining(task);
  schedule(stop_after, kStop, task.id);
}

void Cluster::stop(Task& task, bool abrupt) {
  if (task.state == TaskState::kStopped) return;
  if (task.state == TaskState::kRunning) --running_[task.service];
  if (task.state == TaskState::kPending) --pending_[task.service];
  const bool was_placed = task.state != TaskState::kPending;
  task.state = TaskState::kStopped;
  if (was_placed && task.host >= 0) {
    Host& host = hosts_[static_cast<std::size_t>(task.host)];
    const auto& spec = scenario_.services[task.service].task;
    host.free_vcpu += spec.vcpu;
    host.free_memory_gb += spec.memory_gb;
    host.ports.release(task.endpoint.port);
    --host.service_tasks[task.service];
    --zone_tasks(host.zone, task.service);
    auto& bound = host.bound;
    bound.erase(std::remove_if(bound.begin(), bound.end(), [&](const auto& b) { return b.second == task.id; }), bound.end());
  }
  if (was_placed) observer_.task_stopped(task, abrupt);
  // Freed room may let a pending task of any service start; a lost task is replaced later.
  if (was_placed && task.host >= 0) schedule(0, kReconcile, UINT32_MAX);
  if (abrupt) schedule(sim::from_seconds(scenario_.services[task.service].task.replace_delay_s), kReconcile, task.service);
}

void Cluster::on_event(std::uint64_t tag) {
  const auto value = static_cast<std::uint32_t>(tag);
  switch (static_cast<Tag>(tag >> 32)) {
    case kReady: {
      Task& task = tasks_[value];
      if (task.state == TaskState::kStarting) make_ready(task);
      break;
    }
    case kStop: stop(tasks_[value], false); break;
    case kReconcile:
      if (value == UINT32_MAX) {
        reconcile_all_pending();
      } else {
        reconcile(value);
      }
      break;
  }
}

std::uint32_t Cluster::active(std::uint32_t service) const {
  std::uint32_t n = 0;
  for (const Task& t : tasks_) {
    if (t.service == service && (t.state == TaskState::kPending || t.state == TaskState::kStarting ||
                                 t.state == TaskState::kRunning)) {
      ++n;
    }
  }
  return n;
}

void Cluster::reconcile(std::uint32_t service) {
  // Pending tasks first (oldest first), then new ones up to the desired count.
  for (Task& task : tasks_) {
    if (task.service == service && task.state == TaskState::kPending && place(task)) {
      schedule(startup_of(task), kReady, task.id);
    }
  }
  std::uint32_t have = active(service);
  while (have < desired_[service]) {
    const std::uint32_t id = create_task(service);
    ++have;
    if (place(tasks_[id])) {
      schedule(startup_of(tasks_[id]), kReady, id);
    } else {
      observer_.note("task_pending", scenario_.services[service].name + " task " + std::to_string(id) +
                                         " fits on no host; it stays pending");
    }
  }
}

void Cluster::reconcile_all_pending() {
  for (std::uint32_t s = 0; s < pending_.size(); ++s) {
    if (pending_[s] > 0) reconcile(s);
  }
}

void Cluster::set_desired(std::uint32_t service, std::uint32_t desired, const std::string& reason) {
  const std::uint32_t before = desired_[service];
  desired_[service] = desired;
  observer_.note("scale", scenario_.services[service].name + " desired " + std::to_string(before) + " -> " +
                              std::to_string(desired) + (reason.empty() ? "" : " (" + reason + ")"));
  std::uint32_t have = active(service);
  if (have < desired) {
    reconcile(service);
    return;
  }
  // Surplus: cancel pending tasks, then stop starting ones, then drain running ones, newest first.
  const sim::SimTime delay = sim::from_seconds(scenario_.services[service].task.deregistration_delay_s);
  for (TaskState state : {TaskState::kPending, TaskState::kStarting, TaskState::kRunning}) {
    for (auto it = tasks_.rbegin(); it != tasks_.rend() && have > desired; ++it) {
      if (it->service != service || it->state != state) continue;
      if (state == TaskState::kRunning) {
        drain(*it, delay);
      } else {
        stop(*it, false);
      }
      --have;
    }
  }
}

std::uint32_t Cluster::start_task(std::uint32_t service, bool serving) {
  const std::uint32_t id = create_task(service);
  tasks_[id].serving = serving;
  if (place(tasks_[id])) {
    schedule(startup_of(tasks_[id]), kReady, id);
  } else {
    observer_.note("task_pending", scenario_.services[service].name + " task " + std::to_string(id) +
                                       " fits on no host; it stays pending");
  }
  return id;
}

void Cluster::drain_task(std::uint32_t task) {
  Task& t = tasks_[task];
  if (t.state == TaskState::kRunning) {
    drain(t, sim::from_seconds(scenario_.services[t.service].task.deregistration_delay_s));
  } else if (t.state != TaskState::kStopped && t.state != TaskState::kDraining) {
    stop(t, false);
  }
}

void Cluster::kill_task(std::uint32_t task, const std::string& reason) {
  Task& t = tasks_[task];
  // A fault logs itself; other kills (failed health checks) are logged here.
  if (reason != "fault") {
    observer_.note("task_killed", scenario_.services[t.service].name + " task " + std::to_string(task) +
                                      (reason.empty() ? "" : " (" + reason + ")"));
  }
  stop(t, true);
}

void Cluster::interrupt_task(std::uint32_t task, sim::SimTime warning) {
  Task& t = tasks_[task];
  if (t.state != TaskState::kRunning && t.state != TaskState::kStarting) return;
  // ECS starts the replacement at the notice, and drains the interrupted task until it stops.
  drain(t, warning);
  schedule(0, kReconcile, t.service);
}

void Cluster::kill_host(std::uint32_t host, const std::string& reason) {
  Host& h = hosts_[host];
  if (!h.alive) return;
  account_hosts();
  h.alive = false;
  --alive_hosts_;
  (void)reason;  // the fault that killed it logs itself
  for (Task& t : tasks_) {
    if (t.host == static_cast<std::int32_t>(host) && t.state != TaskState::kStopped) stop(t, true);
  }
}

void Cluster::restore_host(std::uint32_t host) {
  Host& h = hosts_[host];
  if (h.alive) return;
  account_hosts();
  h = Host{h.zone, scenario_.hosts.vcpu, scenario_.hosts.memory_gb, true,
           PortAllocator(scenario_.hosts.port_min, scenario_.hosts.port_max, scenario_.hosts.port_reuse),
           {},
           std::vector<std::uint32_t>(scenario_.services.size(), 0)};
  ++alive_hosts_;
  observer_.note("host_restored", "host " + std::to_string(host));
  schedule(0, kReconcile, UINT32_MAX);
}

Resolution Cluster::resolve(const Endpoint& endpoint) const {
  if (endpoint.address < hosts_.size()) {
    const Host& host = hosts_[endpoint.address];
    if (!host.alive || zone_partitioned_[host.zone] || region_down_[region_of_host(scenario_, endpoint.address)]) {
      return {Resolution::Kind::kUnreachable};
    }
    for (const auto& [port, task] : host.bound) {
      if (port != endpoint.port) continue;
      // The port is bound from the container's start; the app accepts once it is ready.
      if (tasks_[task].state == TaskState::kStarting) return {Resolution::Kind::kRefused};
      return {Resolution::Kind::kTask, task};
    }
    return {Resolution::Kind::kRefused};
  }
  const std::size_t index = endpoint.address - hosts_.size();
  if (index >= fargate_task_of_address_.size()) return {Resolution::Kind::kUnreachable};
  const Task& task = tasks_[fargate_task_of_address_[index]];
  if (task.state == TaskState::kStopped || zone_partitioned_[task.zone] ||
      region_down_[region_of_service(scenario_, task.service)]) {
    return {Resolution::Kind::kUnreachable};
  }
  if (task.state == TaskState::kStarting || endpoint.port != task.endpoint.port) return {Resolution::Kind::kRefused};
  return {Resolution::Kind::kTask, task.id};
}

std::vector<std::uint32_t> Cluster::running_tasks(std::uint32_t service) const {
  std::vector<std::uint32_t> out;
  for (const Task& t : tasks_) {
    if (t.service == service && t.state == TaskState::kRunning) out.push_back(t.id);
  }
  return out;
}

}  // namespace fleetsim::models
