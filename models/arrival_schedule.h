// When requests arrive: a rate profile (steps and linear ramps) turned into arrival times.
//
// Both arrival kinds invert the cumulative rate Lambda(t) = integral of rate from 0 to t:
// the k-th arrival is at Lambda^-1(E_1 + ... + E_k), with E_i ~ Exp(1) for `poisson` (a
// non-homogeneous Poisson process) and E_i = 1 for `uniform` (constant gaps in the rate's own
// time, so a ramp's gaps shrink smoothly). Inversion is exact on each piece: the rate is linear,
// so Lambda is quadratic. The simulator runs it in virtual time; the load generator in wall time.
#pragma once

#include <vector>

#include "scenario/scenario.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace fleetsim::models {

class ArrivalSchedule {
 public:
  ArrivalSchedule(const std::vector<scenario::RatePoint>& profile, scenario::Traffic::Arrivals arrivals);
  // The next arrival time after the previous one, or sim::kNever if the rate stays zero.
  sim::SimTime next(sim::Rng& rng);
  // The offered rate at t seconds, and the expected number of arrivals in [0, t] (for tests).
  double rate_at(double t_s) const;
  double expected_arrivals(double t_s) const;

 private:
  struct Piece {
    double start_s;   // the piece covers [start_s, next piece's start_s)
    double rate;      // at start_s, requests per second
    double slope;     // requests per second per second
  };
  std::vector<Piece> pieces_;
  bool poisson_;
  std::size_t piece_ = 0;  // the piece holding t_
  double t_s_ = 0;         // time of the last arrival, in seconds
};

}  // namespace fleetsim::models
