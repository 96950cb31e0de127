// Confidence intervals for the mean of independent replications (Student t, Boost.Math).
#pragma once

#include <vector>

namespace fleetsim::sim {

struct Interval {
  double mean = 0;
  double half_width = 0;  // 0 with fewer than two samples
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
  bool contains(double x) const { return x >= low() && x <= high(); }
};

// Two-sided interval at `level` (e.g. 0.95) for the mean of `samples`.
Interval mean_interval(const std::vector<double>& samples, double level);

// Two-sided prediction interval at `level` for ONE more sample from the same population as
// `samples` (normal theory): mean ± t(n-1) × s × sqrt(1 + 1/n). Where one measured run should
// fall if the model is right and only sampling differs.
Interval prediction_interval(const std::vector<double>& samples, double level);

}  // namespace fleetsim::sim
