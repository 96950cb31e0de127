#include "models/arrival_schedule.h"

#include <cmath>
#include <limits>

namespace fleetsim::models {

ArrivalSchedule::ArrivalSchedule(const std::vector<scenario::RatePoint>& profile,
                                 scenario::Traffic::Arrivals arrivals)
    : poisson_(arrivals == scenario::Traffic::Arrivals::kPoisson) {
  // Points are validated: time-ordered, first at 0, each after the previous ramp ends.
  double previous_rate = 0;
  for (const auto& point : profile) {
    if (point.ramp_s > 0) {
      pieces_.push_back({point.at_s, previous_rate, (point.rps - previous_rate) / point.ramp_s});
      pieces_.push_back({point.at_s + point.ramp_s, point.rps, 0});
    } else {
      pieces_.push_back({point.at_s, point.rps, 0});
    }
    previous_rate = point.rps;
  }
}

double ArrivalSchedule::rate_at(double t_s) const {
  double rate = 0;
  for (const auto& p : pieces_) {
    if (p.start_s > t_s) break;
    rate = p.rate + p.slope * (t_s - p.start_s);
  }
  return rate;
}

double ArrivalSchedule::expected_arrivals(double t_s) const {
  double total = 0;
  for (std::size_t i = 0; i < pieces_.size() && pieces_[i].start_s < t_s; ++i) {
    const double end = i + 1 < pieces_.size() ? std::min(pieces_[i + 1].start_s, t_s) : t_s;
    const double d = end - pieces_[i].start_s;
    total += pieces_[i].rate * d + pieces_[i].slope * d * d / 2;
  }
  return total;
}

sim::SimTime ArrivalSchedule::next(sim::Rng& rng) {
  double mass = poisson_ ? rng.exponential(1.0) : 1.0;  // arrivals' worth of Lambda to cover
  for (;;) {
    const Piece& p = pieces_[piece_];
    const double rate_now = p.rate + p.slope * (t_s_ - p.start_s);
    const bool last = piece_ + 1 == pieces_.size();
    const double end = last ? std::numeric_limits<double>::infinity() : pieces_[piece_ + 1].start_s;
    // Lambda over [t, t + x] on this piece: rate_now x + slope x^2 / 2. Solve for x = mass with
    // the cancellation-free form x = 2 mass / (rate_now + sqrt(rate_now^2 + 2 slope mass)).
    if (p.slope == 0) {
      // Constant rate: x = mass / rate, the same number the general form gives (sqrt(r^2) == r).
      if (rate_now > 0 && t_s_ + mass / rate_now <= end) {
        t_s_ += mass / rate_now;
        return sim::from_seconds(t_s_);
      }
    } else if (const double disc = rate_now * rate_now + 2 * p.slope * mass; disc >= 0) {
      const double denom = rate_now + std::sqrt(disc);
      if (denom > 0) {
        const double x = 2 * mass / denom;
        if (t_s_ + x <= end) {
          t_s_ += x;
          return sim::from_seconds(t_s_);
        }
      }
    }
    if (last) return sim::kNever;  // the final rate never covers the mass (it is zero)
    const double d = end - t_s_;
    mass -= rate_now * d + p.slope * d * d / 2;
    if (mass < 0) mass = 0;  // rounding at the boundary: the arrival is at the piece's end
    t_s_ = end;
    ++piece_;
  }
}

}  // namespace fleetsim::models
