// Plain round robin: every slot in turn, weights ignored (weighted_round_robin honours them).

#include "models/balancers/factories.h"

namespace fleetsim::models {
namespace {

class RoundRobin final : public Balancer {
 protected:
  void reset(std::span<const Backend> backends) override {
    count_ = backends.size();
    next_ = 0;
  }

  int choose(const PickRequest& request, sim::Rng& /*rng*/) override {
    // Wrap-around by comparison, not %: a division per pick showed in profiles.
    std::size_t slot = next_;
    for (std::size_t i = 0; i < count_; ++i) {
      const std::size_t candidate = slot;
      if (++slot == count_) slot = 0;
      if (excluded(request, candidate)) continue;
      next_ = slot;
      return static_cast<int>(candidate);
    }
    return kNoBackend;  // unreachable: pick() guarantees an eligible slot
  }

 private:
  std::size_t count_ = 0;  // backends in the current set
  std::size_t next_ = 0;   // the slot to try first on the next pick
};

}  // namespace

std::unique_ptr<Balancer> make_round_robin(const BalancerSettings& /*settings*/) {
  return std::make_unique<RoundRobin>();
}

}  // namespace fleetsim::models
