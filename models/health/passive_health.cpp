#include "models/health/passive_health.h"

#include <cassert>

namespace fleetsim::models {
namespace {

// Floors toward minus infinity (C++ division truncates toward zero).
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

PassiveHealth::PassiveHealth(std::uint32_t max_fails, sim::SimTime fail_timeout, bool whole_seconds)
    : max_fails_(max_fails),
      fail_timeout_(whole_seconds ? floor_div(fail_timeout, sim::kNanosPerSecond) : fail_timeout),
      whole_seconds_(whole_seconds) {
  assert(fail_timeout >= 0 && "fail_timeout must be >= 0");
}

std::int64_t PassiveHealth::clock(sim::SimTime now) const {
  return whole_seconds_ ? floor_div(now, sim::kNanosPerSecond) : now;
}

void PassiveHealth::reset(std::size_t slots) {
  // nginx zeroes these fields and compares them with Unix time, so "never" is far in the past:
  // the first choice of a peer always moves `checked`.
  const std::int64_t far_past = -clock(sim::kNever);
  peers_.assign(slots, Peer{0, far_past, far_past});
  single_ = slots == 1;
}

bool PassiveHealth::held_down(const Peer& peer, std::int64_t t) const {
  return max_fails_ != 0 && peer.fails >= max_fails_ && t - peer.checked <= fail_timeout_;
}

bool PassiveHealth::eligible(std::size_t slot, sim::SimTime now) const {
  assert(slot < peers_.size());
  if (single_) return true;
  return !held_down(peers_[slot], clock(now));
}

void PassiveHealth::on_chosen(std::size_t slot, sim::SimTime now) {
  assert(slot < peers_.size());
  if (single_) return;  // nginx's single-peer path never reaches get_peer
  Peer& peer = peers_[slot];
  const std::int64_t t = clock(now);
  if (t - peer.checked > fail_timeout_) peer.checked = t;
}

void PassiveHealth::on_failure(std::size_t slot, sim::SimTime now) {
  assert(slot < peers_.size());
  if (single_) return;  // free_peer returns before counting
  Peer& peer = peers_[slot];
  const std::int64_t t = clock(now);
  ++peer.fails;
  peer.accessed = t;
  peer.checked = t;
}

void PassiveHealth::on_success(std::size_t slot, sim::SimTime /*now*/) {
  assert(slot < peers_.size());
  if (single_) return;
  Peer& peer = peers_[slot];
  // "mark peer live if check passed": the peer was chosen after `checked` moved past the last
  // failure, and this attempt came back fine.
  if (peer.accessed < peer.checked) peer.fails = 0;
}

sim::SimTime PassiveHealth::down_until(std::size_t slot) const {
  assert(slot < peers_.size());
  const Peer& peer = peers_[slot];
  if (single_ || max_fails_ == 0 || peer.fails < max_fails_) return 0;
  // Held down while t - checked <= fail_timeout: free from the first t above checked + fail_timeout.
  const std::int64_t first_free = peer.checked + fail_timeout_ + 1;
  return whole_seconds_ ? first_free * sim::kNanosPerSecond : first_free;
}

}  // namespace fleetsim::models
