#include "sim/confidence.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace fleetsim::sim {

Interval mean_interval(const std::vector<double>& samples, double level) {
  Interval out;
  const std::size_t n = samples.size();
  if (n == 0) return out;
  double sum = 0;
  for (double x : samples) sum += x;
  out.mean = sum / static_cast<double>(n);
  if (n < 2) return out;
  double squares = 0;
  for (double x : samples) squares += (x - out.mean) * (x - out.mean);
  const double std_error = std::sqrt(squares / static_cast<double>(n - 1) / static_cast<double>(n));
  const boost::math::students_t t(static_cast<double>(n - 1));
  out.half_width = boost::math::quantile(boost::math::complement(t, (1.0 - level) / 2.0)) * std_error;
  return out;
}

Interval prediction_interval(const std::vector<double>& samples, double level) {
  Interval out = mean_interval(samples, level);
  const auto n = static_cast<double>(samples.size());
  // mean_interval's half-width is t × s / sqrt(n); one new sample has variance s² (1 + 1/n).
  if (samples.size() >= 2) out.half_width *= std::sqrt(n + 1);
  return out;
}

}  // namespace fleetsim::sim
