#include "models/duration_sampler.h"

#include <algorithm>
#include <cmath>

namespace fleetsim::models {

using Kind = scenario::Distribution::Kind;

DurationSampler::DurationSampler(const scenario::Distribution& d) : kind_(d.kind), mean_ms_(d.mean_ms) {
  switch (kind_) {
    case Kind::kLognormal: {
      // Mean m and cv c: sigma^2 = ln(1 + c^2), mu = ln m - sigma^2 / 2.
      const double sigma2 = std::log1p(d.cv * d.cv);
      a_ = std::log(d.mean_ms) - sigma2 / 2;
      b_ = std::sqrt(sigma2);
      break;
    }
    case Kind::kGamma:
      // Shape k = 1 / c^2, scale theta = m c^2 (mean k theta = m, variance k theta^2 = (c m)^2).
      a_ = 1.0 / (d.cv * d.cv);
      b_ = d.mean_ms * d.cv * d.cv;
      break;
    case Kind::kUniform:
      a_ = d.min_ms;
      b_ = d.max_ms;
      mean_ms_ = (a_ + b_) / 2;
      break;
    case Kind::kEmpirical: {
      quantiles_ = d.quantiles_ms;
      // Mean of the piecewise-linear quantile function: the area under it.
      double mean = 0;
      for (std::size_t i = 1; i < quantiles_.size(); ++i) {
        mean += (quantiles_[i].first - quantiles_[i - 1].first) * (quantiles_[i].second + quantiles_[i - 1].second) / 2;
      }
      mean_ms_ = mean;
      break;
    }
    default:
      break;
  }
}

double DurationSampler::mean_ms() const { return mean_ms_; }

double DurationSampler::scv() const {
  switch (kind_) {
    case Kind::kExponential: return 1;
    case Kind::kConstant: return 0;
    case Kind::kLognormal: return std::expm1(b_ * b_);
    case Kind::kGamma: return 1.0 / a_;
    case Kind::kUniform: {
      const double var = (b_ - a_) * (b_ - a_) / 12;
      return mean_ms_ > 0 ? var / (mean_ms_ * mean_ms_) : 0;
    }
    case Kind::kEmpirical: {
      // E[X^2] of a linear segment between (p0, x0) and (p1, x1): (p1 - p0)(x0^2 + x0 x1 + x1^2) / 3.
      double second = 0;
      for (std::size_t i = 1; i < quantiles_.size(); ++i) {
        const double x0 = quantiles_[i - 1].second, x1 = quantiles_[i].second;
        second += (quantiles_[i].first - quantiles_[i - 1].first) * (x0 * x0 + x0 * x1 + x1 * x1) / 3;
      }
      return mean_ms_ > 0 ? (second - mean_ms_ * mean_ms_) / (mean_ms_ * mean_ms_) : 0;
    }
  }
  return 0;
}

sim::SimTime DurationSampler::sample(sim::Rng& rng) const {
  double ms = 0;
  switch (kind_) {
    case Kind::kExponential: ms = rng.exponential(mean_ms_); break;
    case Kind::kConstant: ms = mean_ms_; break;
    case Kind::kLognormal: ms = std::exp(a_ + b_ * rng.standard_normal()); break;
    case Kind::kGamma: ms = rng.standard_gamma(a_) * b_; break;
    case Kind::kUniform: ms = a_ + (b_ - a_) * rng.uniform01(); break;
    case Kind::kEmpirical: {
      const double u = rng.uniform01();
      auto it = std::upper_bound(quantiles_.begin(), quantiles_.end(), u,
                                 [](double p, const auto& point) { return p < point.first; });
      if (it == quantiles_.end()) {
        ms = quantiles_.back().second;
      } else {
        const auto& hi = *it;
        const auto& lo = *(it - 1);  // exists: the first point has p = 0 <= u
        const double span = hi.first - lo.first;
        ms = span > 0 ? lo.second + (hi.second - lo.second) * (u - lo.first) / span : hi.second;
      }
      break;
    }
  }
  // Cap at an hour: the histogram's range and far beyond any timeout.
  return sim::from_millis(std::min(ms, 3'600'000.0));
}

}  // namespace fleetsim::models
