#include "models/health/outlier_detector.h"

#include <algorithm>
#include <cassert>
#include <functional>

namespace fleetsim::models {
namespace {

// The heap order: earliest un-ejection first, ties by slot, so runs repeat exactly.
constexpr std::greater<std::pair<sim::SimTime, std::size_t>> kLater{};

}  // namespace

OutlierDetector::OutlierDetector(const OutlierConfig& config) : config_(config) {
  assert(config_.consecutive_5xx >= 1 && "consecutive_5xx must be >= 1");
  assert(config_.interval > 0 && config_.base_ejection_time > 0 && "interval and base ejection time must be > 0");
  assert(config_.max_ejection_time >= config_.base_ejection_time && "max_ejection_time must be >= base");
  assert(config_.max_ejection_percent <= 100 && "max_ejection_percent must be <= 100");
}

void OutlierDetector::reset(std::size_t slots) {
  hosts_.assign(slots, Host{});
  unejections_.clear();
}

sim::SimTime OutlierDetector::first_tick_at_or_after(sim::SimTime t) const {
  const sim::SimTime interval = config_.interval;
  const sim::SimTime ticks = t / interval + (t % interval > 0 ? 1 : 0);  // t > 0 here
  return ticks * interval;
}

void OutlierDetector::advance(sim::SimTime now) {
  // The interval timer's un-ejections, replayed in tick order up to `now`.
  while (!unejections_.empty() && unejections_.front().first <= now) {
    const auto [tick, slot] = unejections_.front();
    std::pop_heap(unejections_.begin(), unejections_.end(), kLater);
    unejections_.pop_back();
    Host& host = hosts_[slot];
    host.ejected = false;
    host.consecutive_5xx = 0;  // Envoy resets the counters so a few new errors do not re-eject
    host.was_unejected = true;
    host.last_uneject = tick;
  }
}

std::uint32_t OutlierDetector::decayed_multiplier(const Host& host, sim::SimTime now) const {
  sim::SimTime unejected_at = 0;
  if (host.ejected) {
    if (now < host.uneject_at) return host.multiplier;  // no decay while ejected
    unejected_at = host.uneject_at;                      // back, not yet settled by advance()
  } else if (host.was_unejected) {
    unejected_at = host.last_uneject;
  } else {
    return host.multiplier;  // never ejected: 0
  }
  if (now < unejected_at) return host.multiplier;
  // The ticks that decrement: unejected_at + j × interval for j >= 1 (Envoy: "now - last
  // unejection >= interval"), up to `now`.
  const sim::SimTime ticks = (now - unejected_at) / config_.interval;
  return ticks >= host.multiplier ? 0 : host.multiplier - static_cast<std::uint32_t>(ticks);
}

std::uint32_t OutlierDetector::multiplier(std::size_t slot, sim::SimTime now) const {
  assert(slot < hosts_.size());
  return decayed_multiplier(hosts_[slot], now);
}

bool OutlierDetector::ejected(std::size_t slot, sim::SimTime now) const {
  assert(slot < hosts_.size());
  const Host& host = hosts_[slot];
  return host.ejected && now < host.uneject_at;
}

std::size_t OutlierDetector::ejected_count(sim::SimTime now) {
  advance(now);
  return unejections_.size();
}

bool OutlierDetector::on_result(std::size_t slot, sim::SimTime now, bool is_5xx) {
  assert(slot < hosts_.size());
  advance(now);
  Host& host = hosts_[slot];
  if (!is_5xx) {
    host.consecutive_5xx = 0;
    return false;
  }
  // Envoy fires on equality only: a counter that ran past the threshold waits for a reset.
  if (++host.consecutive_5xx != config_.consecutive_5xx) return false;
  if (host.ejected) return false;  // already out: ignored, counter left as it is

  const std::uint64_t active = unejections_.size();
  const std::uint64_t hosts = hosts_.size();
  bool allowed = 100 * (active + 1) <= std::uint64_t{config_.max_ejection_percent} * hosts;
  if (config_.always_eject_one_host && active == 0) allowed = true;
  host.consecutive_5xx = 0;  // reset after the attempt, whether it ejected or overflowed
  if (!allowed) return false;

  std::uint32_t m = decayed_multiplier(host, now);
  const sim::SimTime base = config_.base_ejection_time;
  if (static_cast<sim::SimTime>(m) * base < config_.max_ejection_time + base) ++m;
  host.multiplier = m;
  ++host.ejections;
  host.ejected = true;
  const sim::SimTime duration = std::min(static_cast<sim::SimTime>(m) * base, config_.max_ejection_time);
  host.uneject_at = first_tick_at_or_after(now + duration);
  unejections_.emplace_back(host.uneject_at, slot);
  std::push_heap(unejections_.begin(), unejections_.end(), kLater);
  return true;
}

}  // namespace fleetsim::models
