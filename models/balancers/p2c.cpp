// Power of two choices on in-flight requests: draw two distinct eligible slots uniformly and send
// to the one with fewer requests in flight per unit of weight (this instance's counts, from
// on_send to on_done); on a tie, the first drawn. O(1) per pick when few slots are excluded.
//
// Mitzenmacher: with n servers, two choices bring the longest queue from about log n / log log n
// down to about log log n, at the cost of one extra look per request.

#include <cstdint>
#include <vector>

#include "models/balancers/eligible_draw.h"
#include "models/balancers/factories.h"

namespace fleetsim::models {
namespace {

class PowerOfTwoChoices final : public Balancer {
 protected:
  void reset(std::span<const Backend> backends) override {
    weight_.clear();
    for (const auto& backend : backends) weight_.push_back(backend.weight);
    in_flight_.assign(backends.size(), 0);
  }

  int choose(const PickRequest& request, sim::Rng& rng) override {
    const int first = draw_eligible(request, weight_.size(), kNoBackend, rng);
    const int second = draw_eligible(request, weight_.size(), first, rng);
    if (second == kNoBackend) return first;  // only one slot is eligible
    return lighter(second, first) ? second : first;
  }

  void sent(int slot, sim::SimTime /*now*/) override { ++in_flight_[static_cast<std::size_t>(slot)]; }

  void done(int slot, sim::SimTime /*now*/, sim::SimTime /*latency*/, bool /*ok*/) override {
    auto& in_flight = in_flight_[static_cast<std::size_t>(slot)];
    if (in_flight > 0) --in_flight;  // a completion without a send has nothing to undo
  }

 private:
  // Whether slot a has strictly fewer in flight per unit of weight than slot b (no division).
  bool lighter(int a, int b) const {
    const auto sa = static_cast<std::size_t>(a);
    const auto sb = static_cast<std::size_t>(b);
    return static_cast<double>(in_flight_[sa]) * weight_[sb] <
           static_cast<double>(in_flight_[sb]) * weight_[sa];
  }

  std::vector<double> weight_;           // per slot, > 0
  std::vector<std::int64_t> in_flight_;  // per slot, sent and not yet done by this instance
};

}  // namespace

std::unique_ptr<Balancer> make_p2c(const BalancerSettings& /*settings*/) {
  return std::make_unique<PowerOfTwoChoices>();
}

}  // namespace fleetsim::models
