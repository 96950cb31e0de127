// Runs one scenario in virtual time and returns its results.
#pragma once

#include <functional>
#include <memory>

#include "results/results.h"
#include "scenario/scenario.h"
#include "sim/time.h"

namespace fleetsim::models {

struct SimulationOptions {
  // Called about every 1 % of simulated time with the fraction done; may be empty.
  std::function<void(double fraction)> progress;
  // After the end of traffic, in-flight requests get this long to finish (then: unfinished).
  double drain_s = 60;
};

// One run, step by step (tests look inside a run; simulate() runs it whole).
class Simulation {
 public:
  // Precondition: check_model_inputs(scenario) passed. The scenario must outlive the simulation.
  explicit Simulation(const scenario::Scenario& scenario);
  ~Simulation();
  // Runs every event up to `t` (virtual time, <= the scenario's end).
  void run_until(sim::SimTime t);
  std::uint64_t events_processed() const;
  // Ends the run (drain included) and collects the results. Call once.
  results::Results finish(const SimulationOptions& options = {});

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

// Precondition: check_model_inputs(scenario) passed.
results::Results simulate(const scenario::Scenario& scenario, const SimulationOptions& options = {});

}  // namespace fleetsim::models
