// Active health checks: the state machine that turns check results into healthy / unhealthy, per
// backend slot, with HAProxy's rise/fall semantics (= ALB's HealthyThresholdCount /
// UnhealthyThresholdCount, Envoy's healthy_threshold / unhealthy_threshold).
//
// Each slot has a state and a streak: the number of consecutive results against that state. A
// healthy slot turns unhealthy after `unhealthy_threshold` consecutive failed checks; an unhealthy
// one turns healthy after `healthy_threshold` consecutive passes. A result that agrees with the
// state resets the streak, so alternating results never flip it. (HAProxy keeps one counter
// `health` in [0, rise + fall - 1], up when >= rise; a failure while down and a pass while up reset
// it to the end of its range, which is exactly this.)
//
// Where a new slot starts (`InitialHealth`):
//   kHealthy        up, but one failed check takes it down. HAProxy's default (`init-state up`;
//                   health = rise, "up, but will fall down at first failure").
//   kFullyHealthy   up, needs unhealthy_threshold failures (HAProxy `init-state fully-up`).
//   kUnhealthy      down, one passed check brings it up. ALB's `initial` state ("after your target
//                   is registered, it must pass one health check to be considered healthy");
//                   HAProxy `init-state down`.
//   kFullyUnhealthy down, needs healthy_threshold passes (HAProxy `init-state fully-down`).
//
// Scheduling the checks (interval, timeout, jitter) is the caller's: this class only counts.
// What to do when no slot is healthy is the balancer's too (ALB fails open and routes to all;
// Envoy ignores health below its panic threshold, 50 %; HAProxy answers 503): healthy_count() is
// kept for that.
//
// Thread safety: none; one owner. Every call is O(1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fleetsim::models {

enum class InitialHealth { kHealthy, kFullyHealthy, kUnhealthy, kFullyUnhealthy };

class ActiveHealth {
 public:
  // Both thresholds >= 1.
  ActiveHealth(std::uint32_t healthy_threshold, std::uint32_t unhealthy_threshold, InitialHealth initial);

  // Starts a new backend set of `slots` slots, each in the initial state.
  void reset(std::size_t slots);
  // Puts one slot back in the initial state (a target registered anew in its slot).
  void restart(std::size_t slot);

  // Sets a slot's state and streak as they were in an earlier backend set (a target that stays
  // registered across a reload keeps its health).
  void carry_over(std::size_t slot, bool healthy, std::uint32_t streak);

  // Records one check result; true when it flipped the slot's state.
  bool record(std::size_t slot, bool passed);

  bool healthy(std::size_t slot) const { return slots_[slot].healthy; }
  // Consecutive results against the current state so far.
  std::uint32_t streak(std::size_t slot) const { return slots_[slot].streak; }
  std::size_t healthy_count() const { return healthy_count_; }
  std::size_t size() const { return slots_.size(); }

 private:
  struct Slot {
    bool healthy = true;
    std::uint32_t streak = 0;
  };
  Slot initial_slot() const;

  std::uint32_t healthy_threshold_;    // passes to turn healthy (rise)
  std::uint32_t unhealthy_threshold_;  // failures to turn unhealthy (fall)
  InitialHealth initial_;
  std::vector<Slot> slots_;            // indexed by slot
  std::size_t healthy_count_ = 0;      // slots with healthy == true
};

}  // namespace fleetsim::models
