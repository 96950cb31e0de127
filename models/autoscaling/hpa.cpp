// The Kubernetes HorizontalPodAutoscaler (autoscaling/v2, with `behavior`), one metric.
//
// Every sync period, following pkg/controller/podautoscaler/horizontal.go:
// 1. A current count outside [minReplicas, maxReplicas] is brought inside, and nothing else.
// 2. Recommendation: ratio = metric / target; within the tolerance (|1 - ratio| <= 0.1) it is
//    the current count, otherwise ceil(current × ratio). (Kubernetes first rounds CPU down to a
//    whole percent and multiplies by the ready pods, treating unready and missing pods
//    specially; here `metric` is already the ready tasks' average and `current` is the desired
//    count.) A NaN metric gives no recommendation and no change, as a failed metrics fetch does.
// 3. Stabilization: the recommendations of the last stabilization window (including this one)
//    bound the move: up to no more than the lowest of the scale-up window, down to no less than
//    the highest of the scale-down window. The first evaluation seeds the history with the
//    current count, so nothing scales down during the first scale-down window.
// 4. Rate policies: each policy allows, from the count at the start of its period (the current
//    count minus the changes of the last periodSeconds), +value pods or +value % (rounded up) up,
//    -value pods or -value % (rounded down) down; selectPolicy Max takes the largest change, Min
//    the smallest, Disabled none. Percent limits are computed in float64 as Kubernetes does.
// 5. maxReplicas / minReplicas bound the result.
// Windows and periods hold samples strictly younger than their length, as Kubernetes' After().
#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <vector>

#include "models/autoscaling/factories.h"

namespace fleetsim::models {

namespace {

using scenario::AutoscalingSpec;
using sim::SimTime;

struct Sample {
  SimTime at = 0;
  std::int64_t replicas = 0;  // a recommendation, or a change (+ up, - down)
};

// The sum of the changes younger than `period`.
std::int64_t change_within(const std::vector<Sample>& events, SimTime now, SimTime period) {
  std::int64_t sum = 0;
  for (const auto& e : events) {
    if (e.at > now - period) sum += e.replicas;
  }
  return sum;
}

SimTime longest_period(const AutoscalingSpec::ScalingRules& rules) {
  SimTime longest = 0;
  for (const auto& p : rules.policies) longest = std::max(longest, sim::from_seconds(p.period_s));
  return longest;
}

class Hpa final : public Autoscaler {
 public:
  explicit Hpa(const AutoscalingSpec& spec)
      : spec_(spec),
        sync_period_(sim::from_seconds(spec.sync_period_s)),
        up_window_(sim::from_seconds(spec.scale_up.stabilization_s)),
        down_window_(sim::from_seconds(spec.scale_down.stabilization_s)),
        longest_period_(std::max(longest_period(spec.scale_up), longest_period(spec.scale_down))) {}

  SimTime evaluation_interval() const override { return sync_period_; }
  const std::string& last_reason() const override { return reason_; }

  std::uint32_t evaluate(SimTime now, std::uint32_t current, double metric) override {
    assert(std::isnan(metric) || metric >= 0);
    if (current < spec_.min || current > spec_.max) {
      const std::uint32_t bounded = std::clamp(current, spec_.min, spec_.max);
      reason_ = std::string(current < spec_.min ? "below min " : "above max ") +
                std::to_string(current < spec_.min ? spec_.min : spec_.max) + ": " + std::to_string(current) +
                " -> " + std::to_string(bounded);
      store_event(now, current, bounded);
      return bounded;
    }
    if (std::isnan(metric)) return current;

    const double ratio = metric / spec_.target;
    const std::int64_t recommended =
        std::abs(1.0 - ratio) <= spec_.tolerance ? current : proportional_count(current, metric, spec_.target);
    const std::int64_t stabilized = stabilize(now, current, recommended);
    std::int64_t desired = stabilized;
    std::string limit;  // what held the count back from `stabilized`, for the reason
    if (stabilized > current) {
      const std::int64_t policy_limit = std::max<std::int64_t>(scale_up_limit(now, current), current);
      const std::int64_t allowed = std::min<std::int64_t>(spec_.max, policy_limit);
      if (desired > allowed) {
        desired = allowed;
        limit = allowed == spec_.max && spec_.max <= policy_limit ? "max " + std::to_string(spec_.max)
                                                                   : "scale-up policies";
      }
    } else if (stabilized < current) {
      const std::int64_t policy_limit = std::min<std::int64_t>(scale_down_limit(now, current), current);
      const std::int64_t allowed = std::max<std::int64_t>(spec_.min, policy_limit);
      if (desired < allowed) {
        desired = allowed;
        limit = allowed == spec_.min && spec_.min >= policy_limit ? "min " + std::to_string(spec_.min)
                                                                   : "scale-down policies";
      }
    }
    const auto result = static_cast<std::uint32_t>(desired);
    if (result != current) {
      reason_ = std::string(metric_name(spec_.metric)) + " " + metric_value_text(spec_.metric, metric) +
                " vs target " + metric_value_text(spec_.metric, spec_.target) + ": " + std::to_string(current) +
                " -> " + std::to_string(result);
      std::string notes;
      if (recommended != stabilized) {
        notes += "recommended " + std::to_string(recommended) + ", stabilized " + std::to_string(stabilized);
      } else if (recommended != desired) {
        notes += "recommended " + std::to_string(recommended);
      }
      if (!limit.empty()) notes += (notes.empty() ? "" : ", ") + std::string("limited by ") + limit;
      if (!notes.empty()) reason_ += " (" + notes + ")";
      store_event(now, current, result);
    }
    return result;
  }

 private:
  // Step 3; records `recommended` in the history.
  std::int64_t stabilize(SimTime now, std::uint32_t current, std::int64_t recommended) {
    if (!seeded_) {
      seeded_ = true;
      if (down_window_ > 0) recommendations_.push_back({now, current});
    }
    std::int64_t up = recommended;    // the lowest recommendation of the scale-up window
    std::int64_t down = recommended;  // the highest recommendation of the scale-down window
    for (const auto& r : recommendations_) {
      if (r.at > now - up_window_) up = std::min(up, r.replicas);
      if (r.at > now - down_window_) down = std::max(down, r.replicas);
    }
    std::int64_t stabilized = current;
    if (stabilized < up) stabilized = up;
    if (stabilized > down) stabilized = down;
    // Keep only what a window can still see.
    const SimTime horizon = now - std::max(up_window_, down_window_);
    std::erase_if(recommendations_, [horizon](const Sample& r) { return r.at <= horizon; });
    recommendations_.push_back({now, recommended});
    return stabilized;
  }

  // The replicas each policy of `rules` allows from the count at the start of its period.
  // `sign` is +1 for up, -1 for down.
  std::int64_t policy_bound(SimTime now, std::uint32_t current, const AutoscalingSpec::ScalingRules& rules,
                            int sign) const {
    if (rules.select == AutoscalingSpec::Select::kDisabled) return current;
    // Up: Max picks the highest bound; down: Max (the largest change) picks the lowest.
    const bool highest = (rules.select == AutoscalingSpec::Select::kMax) == (sign > 0);
    std::int64_t bound = highest ? std::numeric_limits<std::int64_t>::min() : std::numeric_limits<std::int64_t>::max();
    for (const auto& p : rules.policies) {
      const SimTime period = sim::from_seconds(p.period_s);
      const std::int64_t start = static_cast<std::int64_t>(current) - change_within(up_events_, now, period) -
                                 change_within(down_events_, now, period);
      std::int64_t proposed = 0;
      const auto start_f = static_cast<double>(start);
      const auto value = static_cast<double>(p.value);
      if (p.type == AutoscalingSpec::Policy::Type::kPods) {
        proposed = start + sign * static_cast<std::int64_t>(p.value);
      } else if (sign > 0) {
        proposed = static_cast<std::int64_t>(std::ceil(start_f * (1 + value / 100)));
      } else {
        proposed = static_cast<std::int64_t>(start_f * (1 - value / 100));  // truncates, as Go's int32()
      }
      bound = highest ? std::max(bound, proposed) : std::min(bound, proposed);
    }
    return bound;
  }

  std::int64_t scale_up_limit(SimTime now, std::uint32_t current) const {
    return policy_bound(now, current, spec_.scale_up, +1);
  }
  std::int64_t scale_down_limit(SimTime now, std::uint32_t current) const {
    return policy_bound(now, current, spec_.scale_down, -1);
  }

  void store_event(SimTime now, std::uint32_t from, std::uint32_t to) {
    const std::int64_t change = static_cast<std::int64_t>(to) - static_cast<std::int64_t>(from);
    const auto outdated = [&](const Sample& e) { return e.at <= now - longest_period_; };
    std::erase_if(up_events_, outdated);
    std::erase_if(down_events_, outdated);
    if (change > 0) up_events_.push_back({now, change});
    if (change < 0) down_events_.push_back({now, change});
  }

  const AutoscalingSpec spec_;
  const SimTime sync_period_;
  const SimTime up_window_;
  const SimTime down_window_;
  const SimTime longest_period_;  // of all policies: both directions' events count in each
  bool seeded_ = false;                  // the history got its first sample (the starting count)
  std::vector<Sample> recommendations_;  // unstabilized recommendations, oldest first
  std::vector<Sample> up_events_;        // scale-ups (positive changes) within the longest period
  std::vector<Sample> down_events_;      // scale-downs (negative changes) within the longest period
  std::string reason_;
};

}  // namespace

std::unique_ptr<Autoscaler> make_hpa(const scenario::AutoscalingSpec& spec) { return std::make_unique<Hpa>(spec); }

}  // namespace fleetsim::models
