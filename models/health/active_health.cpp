#include "models/health/active_health.h"

#include <cassert>

namespace fleetsim::models {

ActiveHealth::ActiveHealth(std::uint32_t healthy_threshold, std::uint32_t unhealthy_threshold,
                           InitialHealth initial)
    : healthy_threshold_(healthy_threshold), unhealthy_threshold_(unhealthy_threshold), initial_(initial) {
  assert(healthy_threshold >= 1 && unhealthy_threshold >= 1 && "thresholds must be >= 1");
}

ActiveHealth::Slot ActiveHealth::initial_slot() const {
  // The streak a slot starts with decides how many results it needs to flip.
  switch (initial_) {
    case InitialHealth::kHealthy: return {true, unhealthy_threshold_ - 1};
    case InitialHealth::kFullyHealthy: return {true, 0};
    case InitialHealth::kUnhealthy: return {false, healthy_threshold_ - 1};
    case InitialHealth::kFullyUnhealthy: return {false, 0};
  }
  return {true, 0};
}

void ActiveHealth::reset(std::size_t slots) {
  const Slot start = initial_slot();
  slots_.assign(slots, start);
  healthy_count_ = start.healthy ? slots : 0;
}

void ActiveHealth::restart(std::size_t slot) {
  assert(slot < slots_.size());
  const Slot start = initial_slot();
  if (slots_[slot].healthy) --healthy_count_;
  if (start.healthy) ++healthy_count_;
  slots_[slot] = start;
}

void ActiveHealth::carry_over(std::size_t slot, bool healthy, std::uint32_t streak) {
  assert(slot < slots_.size());
  if (slots_[slot].healthy) --healthy_count_;
  if (healthy) ++healthy_count_;
  slots_[slot] = Slot{healthy, streak};
}

bool ActiveHealth::record(std::size_t slot, bool passed) {
  assert(slot < slots_.size());
  Slot& s = slots_[slot];
  if (passed == s.healthy) {
    s.streak = 0;  // agrees with the state: the run against it is broken
    return false;
  }
  const std::uint32_t needed = s.healthy ? unhealthy_threshold_ : healthy_threshold_;
  if (++s.streak < needed) return false;
  s.healthy = passed;
  s.streak = 0;
  if (passed) {
    ++healthy_count_;
  } else {
    --healthy_count_;
  }
  return true;
}

}  // namespace fleetsim::models
