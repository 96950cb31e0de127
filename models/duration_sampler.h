// Samples durations (service times) from a scenario distribution, in nanoseconds.
#pragma once

#include <vector>

#include "scenario/scenario.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace fleetsim::models {

class DurationSampler {
 public:
  explicit DurationSampler(const scenario::Distribution& distribution);
  sim::SimTime sample(sim::Rng& rng) const;
  // The distribution's exact mean and squared coefficient of variation (for theory checks).
  double mean_ms() const;
  double scv() const;

 private:
  scenario::Distribution::Kind kind_;
  double mean_ms_ = 0;
  double a_ = 0;  // lognormal: mu of log(ms); gamma: shape; uniform: min_ms
  double b_ = 0;  // lognormal: sigma; gamma: scale in ms; uniform: max_ms
  std::vector<std::pair<double, double>> quantiles_;  // empirical (p, ms)
};

}  // namespace fleetsim::models
