// Envoy's outlier detection, consecutive-5xx flavour (source/common/upstream/
// outlier_detection_impl.cc), per backend slot. One instance per balancer instance (Envoy keeps one
// detector per cluster in the main thread; its workers feed it).
//
// The rules, as the current Envoy source has them:
// - Each result updates the slot's consecutive-5xx counter: a 5xx increments it, anything else
//   resets it to 0. Envoy's default (split_external_local_origin_errors: false) maps a connect
//   failure to 503 and a timeout to 504, so the caller passes those as 5xx too.
// - When the counter becomes *equal to* consecutive_5xx the host is a candidate. If it is already
//   ejected (an in-flight request answered late), nothing happens and the counter is left alone,
//   so it runs past the threshold and cannot fire again before a success or the un-ejection resets
//   it. Otherwise Envoy tries to eject it and then resets the counter, ejected or not.
// - Ejection is allowed when 100 × (ejected + 1) / hosts <= max_ejection_percent (ejecting this one
//   must not exceed the cap; all hosts of the set count, healthy or not), or, with
//   always_eject_one_host, when no host is ejected. Note the consequence of Envoy's default 10 %:
//   with fewer than 10 hosts nothing is ever ejected unless always_eject_one_host is set.
//   (Until mid-2023, envoyproxy/envoy#27909, Envoy always allowed the first ejection whatever
//   the percentage; always_eject_one_host, #34796, 2024, brings that back as an option. Earlier
//   still it compared the share ejected *before* this one, which could overshoot the cap. This
//   class follows the current rule.)
// - An ejection sets the host's time multiplier m: m += 1 unless m × base >= max + base; the host
//   stays out for min(base_ejection_time × m, max_ejection_time). The multiplier equals the number
//   of ejections as long as it has not decayed.
// - Envoy un-ejects on its interval timer, not at the exact end of the ejection: the host comes
//   back at the first tick at or after ejection + duration, and its counter is reset then.
// - Decay: at each tick, a host that is not ejected and whose last un-ejection is at least one
//   interval old has m decremented (not below 0). So m falls by one per interval of good behaviour.
//
// Model choices (docs/models.md):
// - The interval timer ticks at whole multiples of `interval` from time 0 (Envoy arms it when the
//   cluster is created, and each tick re-arms it, so its phase is arbitrary and drifts by the time
//   a sweep takes). Nothing is scanned per tick: un-ejection and decay are evaluated lazily, when
//   a slot or the ejected count is next looked at, with the same outcome as if every tick had run.
//   At a tick instant the tick comes first, then results at that instant.
// - The ejection decision is taken at once; Envoy posts it from the worker to the main thread.
// - Not modelled: max_ejection_time_jitter (default 0), enforcing_consecutive_5xx (default 100 %),
//   the gateway-failure, local-origin, success-rate and failure-percentage detectors,
//   un-ejection by a passing active health check, the panic threshold (the balancer's business).
// - reset() starts a new backend set with fresh state, as an nginx reload would; Envoy keeps each
//   host's state across membership updates.
//
// Thread safety: none; one owner. Each call is O(1) except the ejection bookkeeping, which is a
// binary heap over the currently ejected slots: O(log ejected) per ejection and un-ejection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/time.h"

namespace fleetsim::models {

struct OutlierConfig {
  std::uint32_t consecutive_5xx = 5;                              // >= 1
  sim::SimTime interval = 10 * sim::kNanosPerSecond;              // > 0: the sweep timer
  sim::SimTime base_ejection_time = 30 * sim::kNanosPerSecond;    // > 0
  sim::SimTime max_ejection_time = 300 * sim::kNanosPerSecond;    // >= base_ejection_time
  std::uint32_t max_ejection_percent = 10;                        // 0..100
  bool always_eject_one_host = false;
};

class OutlierDetector {
 public:
  explicit OutlierDetector(const OutlierConfig& config);

  // Starts a new backend set of `slots` hosts, none ejected, no history.
  void reset(std::size_t slots);

  // Records the result of a request to `slot` that ended at `now`; true when it ejected the slot.
  // Calls must come in non-decreasing `now`.
  bool on_result(std::size_t slot, sim::SimTime now, bool is_5xx);

  // Whether `slot` is ejected at `now` (any `now` at or after the last on_result).
  bool ejected(std::size_t slot, sim::SimTime now) const;
  // When `slot` comes back (the un-ejection tick); <= now when it is not ejected (0 if never was).
  sim::SimTime ejected_until(std::size_t slot) const { return hosts_[slot].uneject_at; }
  // How many times `slot` has been ejected (Envoy's num_ejections; never decays).
  std::uint32_t ejections(std::size_t slot) const { return hosts_[slot].ejections; }
  // The ejection-time multiplier at `now`: while ejected, the current ejection's; otherwise the
  // decayed value that the next ejection will increment (it then lasts base × (this + 1), capped).
  std::uint32_t multiplier(std::size_t slot, sim::SimTime now) const;
  // The slot's consecutive-5xx counter.
  std::uint32_t consecutive_5xx(std::size_t slot) const { return hosts_[slot].consecutive_5xx; }
  // Hosts ejected at `now`; advances the un-ejection bookkeeping to `now`.
  std::size_t ejected_count(sim::SimTime now);

  std::size_t size() const { return hosts_.size(); }

 private:
  struct Host {
    std::uint32_t consecutive_5xx = 0;
    std::uint32_t ejections = 0;        // num_ejections
    std::uint32_t multiplier = 0;       // at last_uneject (constant while ejected)
    bool ejected = false;               // until uneject_at; settled by advance()
    bool was_unejected = false;         // last_uneject is meaningful
    sim::SimTime uneject_at = 0;        // the tick that brings it back
    sim::SimTime last_uneject = 0;      // a tick time
  };

  // Un-ejects every host whose tick is <= now.
  void advance(sim::SimTime now);
  std::uint32_t decayed_multiplier(const Host& host, sim::SimTime now) const;
  sim::SimTime first_tick_at_or_after(sim::SimTime t) const;

  OutlierConfig config_;
  std::vector<Host> hosts_;  // indexed by slot
  // Min-heap of (uneject_at, slot) over the ejected hosts: its size is the ejected count.
  std::vector<std::pair<sim::SimTime, std::size_t>> unejections_;
};

}  // namespace fleetsim::models
