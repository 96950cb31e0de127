// nginx's smooth weighted round robin (ngx_http_upstream_get_peer in
// ngx_http_upstream_round_robin.c): each pick adds every eligible slot's weight to its current
// weight, takes the slot with the largest current weight (the first one on ties) and subtracts
// the eligible total from it. Weights {5, 1, 1} give a a b a c a a: heavy slots are spread out
// rather than sent in bursts.
//
// Invariant: without exclusions the current weights sum to zero after every pick, and each slot
// gets exactly `weight` picks in every run of `total weight` picks.
//
// Differences from nginx: nginx's weights are integers; here they are doubles, which is exact for
// integer weights and a natural extension otherwise. nginx also lowers a peer's effective weight
// after failures and raises it back one step per pick; failures and passive health checks are
// modelled outside the balancer, so effective weight is the configured weight here.

#include <vector>

#include "models/balancers/factories.h"

namespace fleetsim::models {
namespace {

class WeightedRoundRobin final : public Balancer {
 protected:
  void reset(std::span<const Backend> backends) override {
    weight_.clear();
    for (const auto& backend : backends) weight_.push_back(backend.weight);
    current_.assign(backends.size(), 0.0);
  }

  // O(n) per pick, as in nginx.
  int choose(const PickRequest& request, sim::Rng& /*rng*/) override {
    double eligible_total = 0;
    int best = kNoBackend;
    for (std::size_t slot = 0; slot < weight_.size(); ++slot) {
      // nginx skips peers this request already tried: their current weight does not grow.
      if (excluded(request, slot)) continue;
      current_[slot] += weight_[slot];
      eligible_total += weight_[slot];
      if (best == kNoBackend || current_[slot] > current_[static_cast<std::size_t>(best)]) {
        best = static_cast<int>(slot);
      }
    }
    current_[static_cast<std::size_t>(best)] -= eligible_total;
    return best;
  }

 private:
  std::vector<double> weight_;   // per slot, the configured weight
  std::vector<double> current_;  // per slot, nginx's current_weight
};

}  // namespace

std::unique_ptr<Balancer> make_weighted_round_robin(const BalancerSettings& /*settings*/) {
  return std::make_unique<WeightedRoundRobin>();
}

}  // namespace fleetsim::models
