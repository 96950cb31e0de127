// Consistent hashing on a ketama-style ring. Each backend puts round(weight * ring_points) points
// (at least 1) on a 64-bit ring, at hashes of its id and the point's number; a client's key is a
// hash of its address and goes to the first point at or after it, clockwise, wrapping at the top.
//
// Why: when a backend leaves, only the keys on its arcs (those whose next point clockwise was
// one of its points) move, each to the next point clockwise, so they spread over the remaining
// backends in proportion to their points; every other key keeps its backend. A backend that
// joins takes over only the arcs ending at its new points. A backend's share of keys is its share
// of the ring's length, whose relative spread is about 1 / sqrt(its points).
//
// Hashes are fnv1a64 of explicitly ordered bytes, then a splitmix64 finaliser so that nearby
// inputs (point numbers, addresses in one /24) land far apart: the same on every machine.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "models/balancers/factories.h"

namespace fleetsim::models {
namespace {

// Mixes fnv1a64 of `bytes` with splitmix64.
std::uint64_t mixed_hash(std::string_view bytes) {
  std::uint64_t state = sim::fnv1a64(bytes);
  return sim::splitmix64(state);
}

// The ring position of point `point` of the backend with id `id`.
std::uint64_t point_hash(std::uint64_t id, std::uint64_t point) {
  char bytes[16];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>((id >> (8 * i)) & 0xff);  // little-endian, whatever the host
    bytes[8 + i] = static_cast<char>((point >> (8 * i)) & 0xff);
  }
  return mixed_hash(std::string_view(bytes, sizeof bytes));
}

// The ring position of a client's key: its IPv4 address, octets in network order.
std::uint64_t key_hash(std::uint32_t client_address) {
  const char bytes[4] = {static_cast<char>(client_address >> 24),
                         static_cast<char>((client_address >> 16) & 0xff),
                         static_cast<char>((client_address >> 8) & 0xff),
                         static_cast<char>(client_address & 0xff)};
  return mixed_hash(std::string_view(bytes, sizeof bytes));
}

class ConsistentHash final : public Balancer {
 public:
  explicit ConsistentHash(const BalancerSettings& settings) : points_per_weight_(settings.ring_points) {}

 protected:
  void reset(std::span<const Backend> backends) override {
    ring_.clear();
    for (std::uint32_t slot = 0; slot < backends.size(); ++slot) {
      const auto points = std::max<long long>(
          1, std::llround(backends[slot].weight * static_cast<double>(points_per_weight_)));
      for (long long point = 0; point < points; ++point) {
        ring_.push_back({point_hash(backends[slot].id, static_cast<std::uint64_t>(point)), slot});
      }
    }
    // Ordered by hash, then slot, so that colliding points (or duplicate ids) order the same
    // way on every run.
    std::sort(ring_.begin(), ring_.end(), [](const Point& a, const Point& b) {
      return a.hash != b.hash ? a.hash < b.hash : a.slot < b.slot;
    });
  }

  int choose(const PickRequest& request, sim::Rng& /*rng*/) override {
    const std::uint64_t key = key_hash(request.client_address);
    auto it = std::lower_bound(ring_.begin(), ring_.end(), key,
                               [](const Point& p, std::uint64_t k) { return p.hash < k; });
    std::size_t index = it == ring_.end() ? 0 : static_cast<std::size_t>(it - ring_.begin());
    // Clockwise past excluded backends; ends because an eligible slot exists and every slot
    // has at least one point.
    while (excluded(request, ring_[index].slot)) index = (index + 1) % ring_.size();
    return static_cast<int>(ring_[index].slot);
  }

 private:
  struct Point {
    std::uint64_t hash;  // position on the ring
    std::uint32_t slot;  // the backend owning it
  };

  std::uint32_t points_per_weight_;  // ring points per unit of weight
  std::vector<Point> ring_;          // sorted by (hash, slot)
};

}  // namespace

std::unique_ptr<Balancer> make_consistent_hash(const BalancerSettings& settings) {
  return std::make_unique<ConsistentHash>(settings);
}

}  // namespace fleetsim::models
