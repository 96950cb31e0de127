// Finagle's PeakEwma load metric (finagle-core .../loadbalancer/PeakEwma.scala) with power of
// two choices, as Finagle's p2cPeakEwma: draw two distinct eligible slots uniformly and send to
// the one with the lower load (on a tie, the first drawn).
//
// Per slot: `cost`, a moving average of latency in nanoseconds that jumps to any higher sample
// at once (the peak) and decays towards lower ones with time constant tau = ewma_decay_s over
// unevenly spaced samples; `pending`, requests in flight from this instance.
//
//   observe(rtt) at now:  w = exp(-(now - stamp) / tau)
//                         cost = rtt > cost ? rtt : cost * w + rtt * (1 - w);  stamp = now
//   load at now:          observe(0) first, so an idle backend's cost decays as time passes,
//                         then cost == 0 && pending != 0 ? kPenalty + pending
//                                                        : cost * (pending + 1)
//
// A backend without latency history and with nothing in flight has load 0: it is probed at once.
// Weights are ignored, as in Finagle's p2cPeakEwma.

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/balancers/eligible_draw.h"
#include "models/balancers/factories.h"

namespace fleetsim::models {
namespace {

class PeakEwma final : public Balancer {
 public:
  explicit PeakEwma(const BalancerSettings& settings)
      : tau_ns_(settings.ewma_decay_s * static_cast<double>(sim::kNanosPerSecond)) {}

 protected:
  void reset(std::span<const Backend> backends) override { peers_.assign(backends.size(), Peer{}); }

  int choose(const PickRequest& request, sim::Rng& rng) override {
    const int first = draw_eligible(request, peers_.size(), kNoBackend, rng);
    const int second = draw_eligible(request, peers_.size(), first, rng);
    if (second == kNoBackend) return first;  // only one slot is eligible
    // Both loads are read (and so decayed) before comparing, as Finagle does.
    const double first_load = load(first, request.now);
    const double second_load = load(second, request.now);
    return second_load < first_load ? second : first;
  }

  void sent(int slot, sim::SimTime /*now*/) override { ++peers_[static_cast<std::size_t>(slot)].pending; }

  void done(int slot, sim::SimTime now, sim::SimTime latency, bool /*ok*/) override {
    Peer& peer = peers_[static_cast<std::size_t>(slot)];
    if (peer.pending > 0) --peer.pending;  // a completion without a send has nothing to undo
    observe(peer, static_cast<double>(std::max<sim::SimTime>(latency, 0)), now);
  }

 private:
  // Finagle's Long.MaxValue >> 16 (about 39 hours in nanoseconds): above any real cost, so a
  // backend with requests in flight and no answer yet is chosen only when nothing else is.
  static constexpr double kPenalty = static_cast<double>(INT64_MAX >> 16);

  struct Peer {
    double cost_ns = 0;     // peak-sensitive moving average of latency
    sim::SimTime stamp = 0; // when cost_ns was last updated
    std::int64_t pending = 0;
  };

  void observe(Peer& peer, double rtt_ns, sim::SimTime now) const {
    const double elapsed_ns = static_cast<double>(std::max<sim::SimTime>(now - peer.stamp, 0));
    const double w = std::exp(-elapsed_ns / tau_ns_);
    peer.cost_ns = rtt_ns > peer.cost_ns ? rtt_ns : peer.cost_ns * w + rtt_ns * (1 - w);
    peer.stamp = now;
  }

  double load(int slot, sim::SimTime now) {
    Peer& peer = peers_[static_cast<std::size_t>(slot)];
    observe(peer, 0, now);
    const auto pending = static_cast<double>(peer.pending);
    if (peer.cost_ns == 0 && peer.pending != 0) return kPenalty + pending;
    return peer.cost_ns * (pending + 1);
  }

  double tau_ns_;            // decay time constant: cost reaches its half-life after tau * ln 2
  std::vector<Peer> peers_;  // per slot
};

}  // namespace

std::unique_ptr<Balancer> make_peak_ewma(const BalancerSettings& settings) {
  return std::make_unique<PeakEwma>(settings);
}

}  // namespace fleetsim::models
