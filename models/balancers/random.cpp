// Random choice, as nginx's `random` (without `two`): uniform when all weights are equal,
// otherwise in proportion to weight, by a binary search over prefix sums of the weights.
//
// Excluded slots (retries) are handled by redrawing, which keeps the draw exactly proportional
// among the remaining slots; after kMaxDraws misses (few slots left) a linear pass draws among
// the remaining slots directly, with the same distribution. nginx gives up after 20 draws too,
// but then falls back to weighted round robin.

#include <algorithm>
#include <vector>

#include "models/balancers/factories.h"

namespace fleetsim::models {
namespace {

class Random final : public Balancer {
 protected:
  void reset(std::span<const Backend> backends) override {
    weight_.clear();
    weight_end_.clear();
    double total = 0;
    for (const auto& backend : backends) {
      weight_.push_back(backend.weight);
      total += backend.weight;
      weight_end_.push_back(total);
    }
    all_weights_equal_ = std::all_of(weight_.begin(), weight_.end(),
                                     [&](double w) { return w == weight_.front(); });
  }

  int choose(const PickRequest& request, sim::Rng& rng) override {
    for (int draw = 0; draw < kMaxDraws; ++draw) {
      const std::size_t slot = draw_any(rng);
      if (!excluded(request, slot)) return static_cast<int>(slot);
    }
    return draw_eligible(request, rng);
  }

 private:
  static constexpr int kMaxDraws = 20;

  // A slot drawn from all of them, in proportion to weight.
  std::size_t draw_any(sim::Rng& rng) const {
    if (all_weights_equal_) return static_cast<std::size_t>(rng.below(weight_.size()));
    const double x = rng.uniform01() * weight_end_.back();
    const auto slot = static_cast<std::size_t>(
        std::upper_bound(weight_end_.begin(), weight_end_.end(), x) - weight_end_.begin());
    return std::min(slot, weight_.size() - 1);  // x can round up to the total
  }

  // A slot drawn from the non-excluded ones, in proportion to weight: O(n).
  int draw_eligible(const PickRequest& request, sim::Rng& rng) const {
    double eligible_total = 0;
    for (std::size_t slot = 0; slot < weight_.size(); ++slot) {
      if (!excluded(request, slot)) eligible_total += weight_[slot];
    }
    double x = rng.uniform01() * eligible_total;
    int last_eligible = kNoBackend;
    for (std::size_t slot = 0; slot < weight_.size(); ++slot) {
      if (excluded(request, slot)) continue;
      if (x < weight_[slot]) return static_cast<int>(slot);
      x -= weight_[slot];
      last_eligible = static_cast<int>(slot);
    }
    return last_eligible;  // only when rounding left x at the very end
  }

  std::vector<double> weight_;      // per slot
  std::vector<double> weight_end_;  // per slot, the sum of weights up to and including it
  bool all_weights_equal_ = true;   // then a draw needs no search
};

}  // namespace

std::unique_ptr<Balancer> make_random(const BalancerSettings& /*settings*/) {
  return std::make_unique<Random>();
}

}  // namespace fleetsim::models
