// The fleet's machinery below the balancer: hosts (or Fargate), task placement, each task's
// life (pending, starting, running, draining, stopped), its dynamic port, and the service
// scheduler that keeps each service at its desired count (ECS: a stopped task is replaced
// after replace_delay_s; scale-in drains the newest tasks for deregistration_delay_s).
//
// Addresses: host i is address i; on Fargate every task gets a fresh address of its own
// (awsvpc), never reused, listening on the container port. An endpoint (address, port) that a
// balancer holds resolves at connect time to: a task of the right service, a task of another
// service (misrouted), a closed port (refused) or an unreachable address (connect timeout).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/port_allocator.h"
#include "models/task_station.h"
#include "models/versions.h"
#include "scenario/scenario.h"
#include "sim/engine.h"
#include "sim/rng.h"

namespace fleetsim::models {

enum class TaskState : std::uint8_t { kPending, kStarting, kRunning, kDraining, kStopped };

struct Endpoint {
  std::uint32_t address = 0;
  std::uint32_t port = 0;
  std::uint64_t key() const { return (std::uint64_t{address} << 16) | port; }
  bool operator==(const Endpoint& o) const { return address == o.address && port == o.port; }
};

struct Task {
  std::uint32_t id = 0;
  std::uint32_t service = 0;
  std::uint32_t ordinal = 0;   // creation order within its service (the stack's label service.ordinal)
  TaskState state = TaskState::kPending;
  std::int32_t host = -1;      // -1 on Fargate (or not placed yet)
  Endpoint endpoint;
  std::uint32_t zone = 0;
  double weight = 1;           // balancer weight (the service's weights, by creation order)
  std::uint32_t version = 0;   // index into the service's versions (models/versions.h)
  bool serving = true;         // registered for traffic (blue-green holds green tasks back)
  TaskStation station{1, -1};
  bool hung = false;           // accepts connections, never answers (SIGSTOP)
  double extra_ms = 0;         // slow_task: added to every service time
  double error_rate = -1;      // error_task: overrides the service's when >= 0
  sim::SimTime started_at = 0; // placed
  sim::SimTime ready_at = 0;   // accepting requests
  std::vector<std::uint32_t> in_service;  // attempt ids holding a worker (for kills)
  std::vector<std::uint32_t> frozen;      // attempts whose work finished while hung
};

// Told of every change of a task's state, in time order.
class ClusterObserver {
 public:
  // Placed on a host (or Fargate): billed from now on.
  virtual void task_placed(const Task& task) = 0;
  virtual void task_ready(const Task& task) = 0;
  virtual void task_draining(const Task& task) = 0;
  // Stopped; `abrupt` when killed (its requests are cut), not drained.
  virtual void task_stopped(const Task& task, bool abrupt) = 0;
  virtual void note(const std::string& kind, const std::string& detail) = 0;

 protected:
  ~ClusterObserver() = default;
};

struct Resolution {
  enum class Kind { kTask, kRefused, kUnreachable };
  Kind kind;
  std::uint32_t task = 0;  // kTask only
};

class Cluster final : public sim::EventHandler {
 public:
  Cluster(sim::Engine& engine, const scenario::Scenario& scenario, ClusterObserver& observer);

  // Places every service's initial replicas, ready at time 0 (the run starts in steady state).
  void start();

  // The service's desired count; starts tasks or drains the surplus (newest first).
  void set_desired(std::uint32_t service, std::uint32_t desired, const std::string& reason);
  std::uint32_t desired(std::uint32_t service) const { return desired_[service]; }
  // Tasks counted toward desired: pending, starting or running.
  std::uint32_t active(std::uint32_t service) const;
  std::uint32_t running(std::uint32_t service) const { return running_[service]; }

  void kill_task(std::uint32_t task, const std::string& reason);
  // Deployments: new tasks get `version` from now on (also replacements).
  void set_target_version(std::uint32_t service, std::uint32_t version) { target_version_[service] = version; }
  std::uint32_t target_version(std::uint32_t service) const { return target_version_[service]; }
  // Starts one task of the service's target version now (beyond desired: a surge); its id.
  std::uint32_t start_task(std::uint32_t service, bool serving);
  // Deregisters a task now and stops it after the service's deregistration delay (or `delay`).
  void drain_task(std::uint32_t task);
  void stop_task_now(std::uint32_t task) { stop(tasks_[task], false); }
  // Gone: its tasks die, its address stops answering. restore_host brings it back empty.
  void kill_host(std::uint32_t host, const std::string& reason);
  void restore_host(std::uint32_t host);
  // Notice now, drain from now, stop after `warning` (Fargate Spot / EC2 Spot interruption).
  void interrupt_task(std::uint32_t task, sim::SimTime warning);
  void set_zone_partitioned(std::uint32_t zone, bool partitioned) { zone_partitioned_[zone] = partitioned; }
  // A region's outage: nothing in it answers (its balancer included); its tasks keep their state.
  void set_region_down(std::uint32_t region, bool down) { region_down_[region] = down; }
  bool region_down(std::uint32_t region) const { return region_down_[region]; }

  // Where a connection to `endpoint` from a balancer lands.
  Resolution resolve(const Endpoint& endpoint) const;

  std::vector<Task>& tasks() { return tasks_; }
  const std::vector<Task>& tasks() const { return tasks_; }
  // Running (not draining) tasks of a service, in id order, chosen by `rng` when fewer needed.
  std::vector<std::uint32_t> running_tasks(std::uint32_t service) const;
  std::uint32_t pending(std::uint32_t service) const { return pending_[service]; }
  std::size_t host_count() const { return hosts_.size(); }
  std::uint32_t zone_of_host(std::uint32_t host) const { return hosts_[host].zone; }
  bool host_alive(std::uint32_t host) const { return hosts_[host].alive; }
  std::uint32_t zone_index(const std::string& zone) const;
  // Host-seconds of each live host, integrated so far (for cost).
  double host_seconds(sim::SimTime now) const;

  void on_event(std::uint64_t tag) override;

 private:
  struct Host {
    std::uint32_t zone = 0;
    double free_vcpu = 0;
    double free_memory_gb = 0;
    bool alive = true;
    PortAllocator ports;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> bound;  // (port, task) of live tasks
    std::vector<std::uint32_t> service_tasks;                    // per service: tasks placed here
  };
  enum Tag : std::uint64_t { kReady = 1, kStop = 2, kReconcile = 3 };
  // Tasks of `service` placed in `zone` (the sum of service_tasks over the zone's hosts), kept as
  // tasks are placed and stopped: spread placement reads it instead of summing every host.
  std::uint32_t& zone_tasks(std::uint32_t zone, std::uint32_t service) {
    return zone_service_tasks_[static_cast<std::size_t>(zone) * scenario_.services.size() + service];
  }

  std::uint32_t create_task(std::uint32_t service);
  sim::SimTime startup_of(const Task& task) const {
    return sim::from_seconds(versions_.versions[task.service][task.version].startup_s);
  }
  // Finds a host for a pending task; false when none fits (it stays pending).
  bool place(Task& task);
  void make_ready(Task& task);
  void drain(Task& task, sim::SimTime stop_after);
  void stop(Task& task, bool abrupt);
  void schedule(sim::SimTime delay, Tag tag, std::uint32_t value);
  // Starts or retries tasks so each service reaches its desired count.
  void reconcile(std::uint32_t service);
  void reconcile_all_pending();

  sim::Engine& engine_;
  const scenario::Scenario& scenario_;
  ClusterObserver& observer_;
  sim::Rng placement_rng_;
  sim::Rng port_rng_;
  std::vector<Host> hosts_;
  std::vector<std::uint32_t> zone_service_tasks_;  // zone-major; see zone_tasks()
  std::vector<std::uint32_t> placement_candidates_;  // scratch of place(), kept for its capacity
  std::vector<bool> zone_partitioned_;
  std::vector<bool> region_down_;
  std::vector<Task> tasks_;
  std::vector<std::uint32_t> desired_;
  std::vector<std::uint32_t> running_;
  std::vector<std::uint32_t> pending_;
  std::vector<std::uint32_t> created_;  // tasks ever created per service
  std::vector<std::uint32_t> target_version_;
  ServiceVersions versions_;
  std::vector<std::uint32_t> fargate_task_of_address_;  // address - host count -> task
  std::uint32_t next_fargate_zone_ = 0;
  // Host-seconds bookkeeping for cost.
  double host_seconds_ = 0;
  sim::SimTime host_seconds_at_ = 0;
  std::uint32_t alive_hosts_ = 0;
  void account_hosts();
};

}  // namespace fleetsim::models
