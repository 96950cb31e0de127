#include "loadgen/emulator_config.h"

#include "scenario/input_error.h"

namespace fleetsim::loadgen {

EmulatorConfig emulator_config(const scenario::Scenario& s, const std::string& service, const std::string& task_id) {
  std::string known;
  for (const auto& spec : s.services) {
    if (spec.name != service) {
      known += (known.empty() ? "\"" : ", \"") + spec.name + "\"";
      continue;
    }
    EmulatorConfig config;
    config.service = spec.name;
    config.task_id = task_id;
    config.workers = spec.task.workers;
    config.queue_limit = spec.task.queue_limit;
    config.service_time = spec.service_time;
    config.error_rate = spec.error_rate;
    config.seed = s.seed;
    // spec.calls are not made: this first version models the task's own work only.
    return config;
  }
  throw scenario::InputError("usage", "--service", "no service \"" + service + "\" in the scenario (it has " + known + ")");
}

}  // namespace fleetsim::loadgen
