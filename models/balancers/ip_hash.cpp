// nginx's ip_hash (ngx_http_upstream_ip_hash_module.c), step for step:
//
//   hash = 89
//   repeat:
//     for each of the first 3 octets of the client's IPv4 address, most significant first:
//       hash = (hash * 113 + octet) % 6271
//     w = hash % total_weight; the peer is the one whose weight range [start, start + weight)
//     holds w, walking the peers in order
//     if that peer was already tried, go round again (the hash keeps its state); after more than
//     20 such tries, fall back to nginx's weighted round robin.
//
// So clients of one /24 network share a backend. The walk over peers is a binary search over
// prefix sums of the weights here: O(log n), same peer.
//
// nginx keeps the hash and the try count of a request between its attempts; this balancer keeps
// no per-request state and starts again from 89 with request.exclude, which reaches the same
// hash sequence but counts earlier attempts' hashes again, so on a retry it may give up and fall
// back to round robin a step or two sooner than nginx would.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/balancers/factories.h"

namespace fleetsim::models {
namespace {

class IpHash final : public Balancer {
 public:
  explicit IpHash(const BalancerSettings& settings)
      : round_robin_(make_weighted_round_robin(settings)) {}

 protected:
  void reset(std::span<const Backend> backends) override {
    // nginx's weights are integers and the hash is taken modulo their sum, so a weight is
    // rounded to the nearest integer, and to at least 1 so that no backend drops out.
    std::vector<Backend> rounded(backends.begin(), backends.end());
    weight_end_.clear();
    std::uint64_t total = 0;
    for (auto& backend : rounded) {
      const auto weight = std::max<long long>(1, std::llround(backend.weight));
      backend.weight = static_cast<double>(weight);
      total += static_cast<std::uint64_t>(weight);
      weight_end_.push_back(total);
    }
    round_robin_->set_backends(rounded);
  }

  int choose(const PickRequest& request, sim::Rng& rng) override {
    const std::uint32_t octets[3] = {request.client_address >> 24,
                                     (request.client_address >> 16) & 0xff,
                                     (request.client_address >> 8) & 0xff};
    std::uint64_t hash = 89;
    for (int tries = 0;;) {
      for (const auto octet : octets) hash = (hash * 113 + octet) % 6271;
      const std::uint64_t w = hash % weight_end_.back();
      // The first slot whose weight range ends after w.
      const auto slot = static_cast<std::size_t>(
          std::upper_bound(weight_end_.begin(), weight_end_.end(), w) - weight_end_.begin());
      if (!excluded(request, slot)) return static_cast<int>(slot);
      if (++tries > kMaxTries) break;
    }
    return round_robin_->pick(request, rng);
  }

 private:
  static constexpr int kMaxTries = 20;  // nginx's limit before it falls back to round robin

  std::vector<std::uint64_t> weight_end_;  // per slot, the sum of rounded weights up to and including it
  std::unique_ptr<Balancer> round_robin_;  // nginx's fallback, over the same rounded weights
};

}  // namespace

std::unique_ptr<Balancer> make_ip_hash(const BalancerSettings& settings) {
  return std::make_unique<IpHash>(settings);
}

}  // namespace fleetsim::models
