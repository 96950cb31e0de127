// What one emulated task serves: the scenario service's work, its task limits and where it
// listens. Built once from the scenario at the edge; the emulator never sees the Scenario.
#pragma once

#include <cstdint>
#include <string>

#include "scenario/scenario.h"

namespace fleetsim::loadgen {

struct EmulatorConfig {
  std::string service;                     // the scenario service, sent in X-Fleetsim-Service
  std::string task_id = "0";               // this task's label, sent in X-Fleetsim-Task
  std::string bind_address = "127.0.0.1";  // loopback unless told otherwise
  std::uint16_t port = 0;                  // 0: the kernel picks one (dynamic ports, as on ECS)
  std::uint32_t workers = 1;               // requests in service at once (task.workers)
  std::int64_t queue_limit = -1;           // waiting requests beyond the workers; -1 = unbounded
  scenario::Distribution service_time;     // sampled per request, in ms
  double error_rate = 0;                   // chance a served request answers 500
  std::uint64_t seed = 1;                  // scenario seed; the streams also take the task id
  bool control = false;                    // serve POST /_chaos/* (stack mode)
  double drain_timeout_s = 5;              // stop(): in-flight requests get at most this long
};

// The config of task `task_id` of `service` in `s`. Throws scenario::InputError when the
// scenario has no such service.
EmulatorConfig emulator_config(const scenario::Scenario& s, const std::string& service, const std::string& task_id);

}  // namespace fleetsim::loadgen
