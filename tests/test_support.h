// Helpers shared by the tests: scenarios from JSON text, replications, running the binary.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/service_catalog.h"
#include "models/simulation.h"
#include "results/results.h"
#include "scenario/parse.h"
#include "sim/confidence.h"

namespace fleetsim::testing {

inline scenario::Scenario scenario_from(const nlohmann::json& doc) {
  scenario::Scenario s = scenario::parse_scenario_text(doc.dump(), "test.json");
  models::check_model_inputs(s);
  return s;
}

// Runs `doc` with seeds 1..replications and returns the confidence interval of `metric`.
inline sim::Interval replicate(nlohmann::json doc, int replications, double level,
                               const std::function<double(const results::Results&)>& metric) {
  std::vector<double> samples;
  for (int seed = 1; seed <= replications; ++seed) {
    doc["seed"] = seed;
    samples.push_back(metric(models::simulate(scenario_from(doc))));
  }
  return sim::mean_interval(samples, level);
}

// One service of `tasks` tasks with `workers` each, Poisson arrivals at `rate_rps`,
// the given service-time distribution, behind `algorithm`. Nothing else adds latency.
inline nlohmann::json queue_scenario(double rate_rps, int tasks, int workers, nlohmann::json service_time,
                                     const std::string& algorithm, double duration_s, double warmup_s) {
  return {{"name", "queue"},
          {"duration_s", duration_s},
          {"warmup_s", warmup_s},
          {"step_s", duration_s},
          {"traffic", {{"rate_rps", rate_rps}, {"routes", {{{"service", "s"}}}}}},
          {"balancer", {{"algorithm", algorithm}}},
          {"services",
           {{{"name", "s"}, {"replicas", tasks}, {"task", {{"workers", workers}}}, {"service_time_ms", service_time}}}}};
}

struct CommandResult {
  int status;
  std::string out;
  std::string err;
};

// Runs build/fleetsim with `arguments` (a shell-quoted string) from the source directory.
CommandResult run_fleetsim(const std::string& arguments);
// Runs a shell command line from the source directory.
CommandResult run_shell(const std::string& shell_command);
// Runs build/fleetsim with `arguments` under `mpirun --oversubscribe -n ranks` on this machine
// (loopback and shared memory only; root allowed, as CI runs as root in a container).
CommandResult run_fleetsim_mpi(int ranks, const std::string& arguments);

// Relative resolution of the latency histogram: a reported quantile is within this fraction
// of the exact sample quantile (half a bucket of relative width 2^-7).
inline constexpr double kHistogramResolution = 1.0 / 256;

}  // namespace fleetsim::testing
