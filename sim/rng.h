// Random streams. One stream per stochastic component, derived from the scenario seed and the
// component's name, so adding a component never shifts another's draws.
//
// The generator (xoshiro256**) and every distribution are written here rather than taken from
// <random>: the standard distributions differ between library implementations, and results must
// be byte-identical on any machine. A test pins sample outputs for a seed.
#pragma once

#include <cstdint>
#include <string_view>

namespace fleetsim::sim {

class Rng {
 public:
  // Seeds the state with splitmix64, as the xoshiro authors recommend.
  explicit Rng(std::uint64_t seed);
  // The stream named `name` of run seed `seed`: independent of every other name.
  static Rng stream(std::uint64_t seed, std::string_view name);
  // The `index`-th sub-stream of this one (replications, per-rank plans).
  Rng substream(std::uint64_t index) const;

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the log of.
  double uniform_open0() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). Precondition: n > 0.
  std::uint64_t below(std::uint64_t n);
  bool bernoulli(double p) { return uniform01() < p; }

  double exponential(double mean) { return -mean * log_of(uniform_open0()); }
  double standard_normal();
  // Gamma(shape, 1) by Marsaglia and Tsang (2000); shape > 0.
  double standard_gamma(double shape);

 private:
  static double log_of(double x);
  std::uint64_t s_[4];
  double spare_normal_ = 0;
  bool has_spare_normal_ = false;
};

// 64-bit FNV-1a, for stable names → numbers (never std::hash, which differs between builds).
std::uint64_t fnv1a64(std::string_view bytes);
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace fleetsim::sim
