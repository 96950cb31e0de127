#include <catch2/catch.hpp>
#include <cmath>

#include "models/arrival_schedule.h"

using fleetsim::models::ArrivalSchedule;
using fleetsim::scenario::RatePoint;
using fleetsim::scenario::Traffic;
namespace sim = fleetsim::sim;

TEST_CASE("uniform arrivals at a constant rate are exactly evenly spaced", "[traffic]") {
  ArrivalSchedule schedule({{0, 1000, 0}}, Traffic::Arrivals::kUniform);
  sim::Rng rng(1);
  for (int k = 1; k <= 5000; ++k) REQUIRE(schedule.next(rng) == sim::SimTime{k} * 1'000'000);
}

TEST_CASE("the expected arrivals of a ramp are its area", "[traffic]") {
  ArrivalSchedule schedule({{0, 100, 0}, {10, 300, 20}}, Traffic::Arrivals::kUniform);
  CHECK(schedule.rate_at(5) == Approx(100));
  CHECK(schedule.rate_at(20) == Approx(200));
  CHECK(schedule.rate_at(40) == Approx(300));
  // 10 s at 100, a 20 s ramp 100 -> 300 (area 4000), 10 s at 300.
  CHECK(schedule.expected_arrivals(40) == Approx(1000 + 4000 + 3000));
  // Uniform arrivals hit the cumulative rate exactly: the 5000th arrival is at the ramp's end.
  sim::Rng rng(1);
  sim::SimTime t = 0;
  for (int k = 0; k < 5000; ++k) t = schedule.next(rng);
  CHECK(sim::to_seconds(t) == Approx(30).margin(1e-6));
}

TEST_CASE("Poisson arrivals through steps and ramps match the expected count", "[traffic]") {
  // Counts of a non-homogeneous Poisson process are Poisson: mean = variance = Lambda.
  ArrivalSchedule schedule({{0, 200, 0}, {20, 800, 30}, {70, 0, 0}, {80, 400, 0}}, Traffic::Arrivals::kPoisson);
  sim::Rng rng(5);
  int in_ramp = 0, total = 0, in_silence = 0;
  for (;;) {
    const double t = sim::to_seconds(schedule.next(rng));
    if (t >= 100) break;
    ++total;
    if (t >= 20 && t < 50) ++in_ramp;
    if (t >= 70 && t < 80) ++in_silence;
  }
  const double expected_total = schedule.expected_arrivals(100);
  const double expected_ramp = schedule.expected_arrivals(50) - schedule.expected_arrivals(20);
  CHECK(expected_ramp == Approx(15000));
  CHECK(std::fabs(total - expected_total) < 5 * std::sqrt(expected_total));  // 5 sigma
  CHECK(std::fabs(in_ramp - expected_ramp) < 5 * std::sqrt(expected_ramp));
  CHECK(in_silence == 0);
}

TEST_CASE("a rate that ends at zero ends the arrivals", "[traffic]") {
  ArrivalSchedule schedule({{0, 10, 0}, {1, 0, 0}}, Traffic::Arrivals::kPoisson);
  sim::Rng rng(2);
  int n = 0;
  while (schedule.next(rng) != sim::kNever) ++n;
  CHECK(n < 40);
}
