// nginx's least_conn (ngx_http_upstream_least_conn_module.c): the slot with the fewest requests
// in flight per unit of weight, comparing conns_a * weight_b < conns_b * weight_a as nginx does
// (no division). In-flight counts are this instance's own: from on_send to on_done.
//
// Ties: nginx breaks them with smooth weighted round robin among the tied peers. Here the
// least recently sent of the tied slots wins (then the lowest slot), which is the same rotation
// when the tied weights are equal, and keeps a pick O(log n); with unequal tied weights nginx
// would favour the heavier peer among the tied ones, this does not.
//
// A pick must not scan every backend, so the slots live in an indexed binary min-heap ordered by
// (in-flight / weight, last-sent stamp, slot), with each slot's position kept so that on_send
// (key grows: sift down) and on_done (key shrinks: sift up) are O(log n).
//
// Invariants: heap_[position_[s]] == s for every slot s; every node orders no later than its
// children; in_flight >= 0.

#include <cstdint>
#include <vector>

#include "models/balancers/factories.h"

namespace fleetsim::models {
namespace {

class LeastConn final : public Balancer {
 protected:
  void reset(std::span<const Backend> backends) override {
    peers_.clear();
    heap_.clear();
    position_.clear();
    for (std::uint32_t slot = 0; slot < backends.size(); ++slot) {
      peers_.push_back({backends[slot].weight, 0, 0});
      // All keys are equal but the slot, so slot order is already heap order.
      heap_.push_back(slot);
      position_.push_back(slot);
    }
    sends_ = 0;
  }

  int choose(const PickRequest& request, sim::Rng& /*rng*/) override {
    if (request.exclude.empty()) return static_cast<int>(heap_.front());
    return best_not_excluded(request);
  }

  void sent(int slot, sim::SimTime /*now*/) override {
    auto& peer = peers_[static_cast<std::size_t>(slot)];
    ++peer.in_flight;
    peer.last_sent = ++sends_;
    sift_down(position_[static_cast<std::size_t>(slot)]);
  }

  void done(int slot, sim::SimTime /*now*/, sim::SimTime /*latency*/, bool /*ok*/) override {
    auto& peer = peers_[static_cast<std::size_t>(slot)];
    if (peer.in_flight == 0) return;  // a completion without a send: nothing to undo
    --peer.in_flight;
    sift_up(position_[static_cast<std::size_t>(slot)]);
  }

 private:
  struct Peer {
    double weight;           // > 0
    std::int64_t in_flight;  // sent and not yet done, by this instance
    std::uint64_t last_sent; // sends_ at this slot's latest send; 0 = never
  };

  // Whether slot a orders before slot b.
  bool before(std::uint32_t a, std::uint32_t b) const {
    const Peer& pa = peers_[a];
    const Peer& pb = peers_[b];
    const double load_a = static_cast<double>(pa.in_flight) * pb.weight;
    const double load_b = static_cast<double>(pb.in_flight) * pa.weight;
    if (load_a != load_b) return load_a < load_b;
    if (pa.last_sent != pb.last_sent) return pa.last_sent < pb.last_sent;
    return a < b;
  }

  void place(std::size_t position, std::uint32_t slot) {
    heap_[position] = slot;
    position_[slot] = static_cast<std::uint32_t>(position);
  }

  void sift_up(std::size_t position) {
    const std::uint32_t slot = heap_[position];
    while (position > 0) {
      const std::size_t parent = (position - 1) / 2;
      if (!before(slot, heap_[parent])) break;
      place(position, heap_[parent]);
      position = parent;
    }
    place(position, slot);
  }

  void sift_down(std::size_t position) {
    const std::uint32_t slot = heap_[position];
    for (;;) {
      std::size_t child = 2 * position + 1;
      if (child >= heap_.size()) break;
      if (child + 1 < heap_.size() && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], slot)) break;
      place(position, heap_[child]);
      position = child;
    }
    place(position, slot);
  }

  // Best-first walk from the root that expands only excluded nodes: the first eligible node it
  // reaches is the best eligible one, since every node orders no earlier than its ancestors.
  // The frontier holds at most |exclude| + 1 nodes, so this costs O(|exclude|^2), not O(n).
  int best_not_excluded(const PickRequest& request) {
    frontier_.assign(1, 0);
    while (!frontier_.empty()) {
      std::size_t best = 0;
      for (std::size_t i = 1; i < frontier_.size(); ++i) {
        if (before(heap_[frontier_[i]], heap_[frontier_[best]])) best = i;
      }
      const std::size_t position = frontier_[best];
      frontier_[best] = frontier_.back();
      frontier_.pop_back();
      if (!excluded(request, heap_[position])) return static_cast<int>(heap_[position]);
      for (std::size_t child = 2 * position + 1; child <= 2 * position + 2; ++child) {
        if (child < heap_.size()) frontier_.push_back(child);
      }
    }
    return kNoBackend;  // unreachable: pick() guarantees an eligible slot
  }

  std::vector<Peer> peers_;              // per slot
  std::vector<std::uint32_t> heap_;      // slots in heap order; heap_[0] is the best
  std::vector<std::uint32_t> position_;  // per slot, its index in heap_
  std::uint64_t sends_ = 0;              // sends in this generation: the last-sent clock
  std::vector<std::size_t> frontier_;    // scratch for best_not_excluded(), kept to reuse memory
};

}  // namespace

std::unique_ptr<Balancer> make_least_conn(const BalancerSettings& /*settings*/) {
  return std::make_unique<LeastConn>();
}

}  // namespace fleetsim::models
