// The fleet built from a scenario: services, their tasks (each a TaskStation), their service
// time samplers and their balancer instances. Pure state; RequestFlow moves requests through it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/balancers/balancer.h"
#include "models/duration_sampler.h"
#include "models/task_station.h"
#include "scenario/scenario.h"
#include "sim/rng.h"

namespace fleetsim::models {

struct ResolvedCall {
  std::uint32_t service;  // index into Fleet::services
  double probability;
};

struct ServiceState {
  std::string name;
  DurationSampler service_time;
  double error_rate = 0;
  std::vector<ResolvedCall> calls;
  std::uint32_t first_task = 0;   // tasks [first_task, first_task + task_count) in Fleet::tasks
  std::uint32_t task_count = 0;
  std::uint32_t workers_per_task = 1;
  std::vector<std::unique_ptr<Balancer>> balancers;  // one per balancer instance
  std::vector<sim::Rng> balancer_rngs;               // one stream per instance
  sim::Rng time_rng;    // service times
  sim::Rng error_rng;   // error_rate draws
  sim::Rng call_rng;    // downstream call draws
};

struct TaskState {
  std::uint32_t service;
  TaskStation station;
};

class Fleet {
 public:
  // Precondition: check_model_inputs(scenario) passed.
  explicit Fleet(const scenario::Scenario& scenario);

  std::vector<ServiceState>& services() { return services_; }
  const std::vector<ServiceState>& services() const { return services_; }
  std::vector<TaskState>& tasks() { return tasks_; }
  std::uint32_t service_index(const std::string& name) const;
  // The task behind a balancer slot of a service.
  std::uint32_t task_for(std::uint32_t service, int slot) const {
    return services_[service].first_task + static_cast<std::uint32_t>(slot);
  }

 private:
  std::vector<ServiceState> services_;
  std::vector<TaskState> tasks_;
};

// Checks what the scenario parser cannot: the balancer name against the registry, and the call
// graph for cycles. Throws scenario::InputError.
void check_model_inputs(const scenario::Scenario& scenario);

}  // namespace fleetsim::models
