// Runs one scenario in virtual time and returns its results.
#pragma once

#include <functional>

#include "results/results.h"
#include "scenario/scenario.h"

namespace fleetsim::models {

struct SimulationOptions {
  // Called about every 1 % of simulated time with the fraction done; may be empty.
  std::function<void(double fraction)> progress;
  // After the end of traffic, in-flight requests get this long to finish (then: unfinished).
  double drain_s = 60;
};

// Precondition: check_model_inputs(scenario) passed.
results::Results simulate(const scenario::Scenario& scenario, const SimulationOptions& options = {});

}  // namespace fleetsim::models
