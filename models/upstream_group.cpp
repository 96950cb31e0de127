#include "models/upstream_group.h"

#include <algorithm>
#include <unordered_map>

namespace fleetsim::models {

namespace {
InitialHealth initial_of(scenario::ActiveHealthSpec::Initial initial) {
  switch (initial) {
    case scenario::ActiveHealthSpec::Initial::kUnhealthy: return InitialHealth::kUnhealthy;
    case scenario::ActiveHealthSpec::Initial::kFullyHealthy: return InitialHealth::kFullyHealthy;
    case scenario::ActiveHealthSpec::Initial::kFullyUnhealthy: return InitialHealth::kFullyUnhealthy;
    default: return InitialHealth::kHealthy;
  }
}

OutlierConfig outlier_config(const scenario::OutlierSpec& spec) {
  OutlierConfig c;
  c.consecutive_5xx = spec.consecutive_5xx;
  c.interval = sim::from_seconds(spec.interval_s);
  c.base_ejection_time = sim::from_seconds(spec.base_ejection_time_s);
  c.max_ejection_time = sim::from_seconds(spec.max_ejection_time_s);
  c.max_ejection_percent = spec.max_ejection_percent;
  c.always_eject_one_host = spec.always_eject_one_host;
  return c;
}
}  // namespace

UpstreamGroup::UpstreamGroup(std::unique_ptr<Balancer> algorithm, const scenario::PassiveHealthSpec& passive,
                             const scenario::ActiveHealthSpec& active, const scenario::OutlierSpec& outlier)
    : algorithm_(std::move(algorithm)),
      passive_(passive.max_fails, sim::from_seconds(passive.fail_timeout_s)),
      active_enabled_(active.enabled),
      active_(active.healthy_threshold, active.unhealthy_threshold, initial_of(active.initial)),
      outlier_enabled_(outlier.enabled),
      outlier_(outlier_config(outlier)) {}

void UpstreamGroup::set_members(const std::vector<UpstreamMember>& members, bool healthy_at_start) {
  // Active health follows the endpoint across the reload; everything else starts afresh.
  std::unordered_map<std::uint64_t, std::pair<bool, std::uint32_t>> previous;
  if (active_enabled_) {
    for (std::size_t i = 0; i < members_.size(); ++i) {
      previous[members_[i].endpoint.key()] = {active_.healthy(i), active_.streak(i)};
    }
  }
  members_ = members;
  std::vector<Backend> backends;
  backends.reserve(members.size());
  for (const auto& m : members) backends.push_back({m.endpoint.key(), m.weight});
  algorithm_->set_backends(backends);
  passive_.reset(members.size());
  outlier_.reset(members.size());
  active_.reset(members.size());
  if (active_enabled_) {
    for (std::size_t i = 0; i < members_.size(); ++i) {
      auto it = previous.find(members_[i].endpoint.key());
      if (it != previous.end()) {
        active_.carry_over(i, it->second.first, it->second.second);
      } else if (healthy_at_start) {
        active_.carry_over(i, true, 0);
      }
    }
  }
  held_down_.clear();
  in_held_down_.assign(members.size(), 0);
  for (std::size_t i = 0; i < members_.size(); ++i) {
    if (active_enabled_ && !active_.healthy(i)) hold_down(i);
  }
}

bool UpstreamGroup::eligible(std::size_t slot, sim::SimTime now) const {
  if (active_enabled_ && !active_.healthy(slot)) return false;
  if (outlier_enabled_ && outlier_.ejected(slot, now)) return false;
  return passive_.eligible(slot, now);
}

void UpstreamGroup::hold_down(std::size_t slot) {
  if (in_held_down_[slot]) return;
  in_held_down_[slot] = 1;
  held_down_.push_back(static_cast<std::uint32_t>(slot));
}

int UpstreamGroup::pick(std::uint32_t client_address, sim::SimTime now, std::span<const std::uint32_t> tried,
                        sim::Rng& rng) {
  exclude_.assign(tried.begin(), tried.end());
  // Prune the slots that came back; exclude those still down. O(slots held down).
  for (std::size_t i = 0; i < held_down_.size();) {
    const std::uint32_t slot = held_down_[i];
    if (eligible(slot, now)) {
      in_held_down_[slot] = 0;
      held_down_[i] = held_down_.back();
      held_down_.pop_back();
      continue;
    }
    if (std::find(tried.begin(), tried.end(), slot) == tried.end()) exclude_.push_back(slot);
    ++i;
  }
  const int slot = algorithm_->pick({client_address, now, exclude_}, rng);
  if (slot != kNoBackend) {
    const auto chosen = static_cast<std::size_t>(slot);
    passive_.on_chosen(chosen, now);
    // A server let through after fail_timeout takes this one request (nginx moves `checked`),
    // and is held down again for everyone else until the request's result is known.
    if (!eligible(chosen, now)) hold_down(chosen);
  }
  return slot;
}

void UpstreamGroup::on_send(int slot, sim::SimTime now) { algorithm_->on_send(slot, now); }

void UpstreamGroup::on_result(int slot, std::uint32_t generation, sim::SimTime now, sim::SimTime latency, bool failure,
                              bool server_error) {
  algorithm_->on_done(slot, generation, now, latency, !failure);
  if (generation != algorithm_->generation()) return;  // a slot of an older set
  const auto s = static_cast<std::size_t>(slot);
  if (failure) {
    passive_.on_failure(s, now);
    if (!passive_.eligible(s, now)) hold_down(s);
  } else {
    passive_.on_success(s, now);
  }
  if (outlier_enabled_ && outlier_.on_result(s, now, server_error)) hold_down(s);
}

void UpstreamGroup::record_check(std::size_t slot, bool passed, sim::SimTime /*now*/) {
  if (!active_enabled_) return;
  if (active_.record(slot, passed) && !active_.healthy(slot)) hold_down(slot);
}

}  // namespace fleetsim::models
