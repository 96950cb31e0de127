// AWS Application Auto Scaling target tracking on an ECS service.
//
// The policy owns two CloudWatch alarms on the metric, one datapoint per period:
//   high: datapoint > target for `scale_out_datapoints` (3) consecutive periods;
//   low:  datapoint < scale_in_threshold × target (0.9 × target) for `scale_in_datapoints` (15).
// An alarm with an Auto Scaling action re-invokes it every period while it stays in ALARM, so the
// runs of datapoints are not reset by a scaling action: the next invocation is held back only by
// the cooldowns.
//
// Scale-out: desired = ceil(current × latest datapoint / target), at most max. After it, the
// scale-out cooldown blocks any further scale-out and any scale-in. (Simplification: AWS's docs
// say that within the cooldown the capacity the first scale-out added counts towards the next
// one, "to continuously but not excessively scale out"; this model simply waits.)
// Scale-in: conservative, as AWS describes target tracking: desired = ceil(current × the highest
// of the low alarm's datapoints / target), at least min, so that even the busiest period of the
// window would not have run above the target at the new count. Blocked during either cooldown
// and by disable_scale_in.
// A NaN metric is a missing datapoint (CloudWatch's TreatMissingData "missing"): it neither
// extends nor breaks a run, and nothing scales on it.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <deque>
#include <optional>

#include "models/autoscaling/factories.h"

namespace fleetsim::models {

namespace {

using scenario::AutoscalingSpec;
using sim::SimTime;

class EcsTargetTracking final : public Autoscaler {
 public:
  explicit EcsTargetTracking(const AutoscalingSpec& spec)
      : spec_(spec),
        period_(sim::from_seconds(spec.period_s)),
        scale_out_cooldown_(sim::from_seconds(spec.scale_out_cooldown_s)),
        scale_in_cooldown_(sim::from_seconds(spec.scale_in_cooldown_s)) {}

  SimTime evaluation_interval() const override { return period_; }
  const std::string& last_reason() const override { return reason_; }

  std::uint32_t evaluate(SimTime now, std::uint32_t current, double metric) override {
    assert(std::isnan(metric) || metric >= 0);
    const bool datapoint = !std::isnan(metric);
    if (datapoint) record(metric);
    if (current < spec_.min || current > spec_.max) {
      // Capacity outside [MinCapacity, MaxCapacity] is brought inside at once, by any policy.
      const std::uint32_t bounded = std::clamp(current, spec_.min, spec_.max);
      reason_ = std::string(current < spec_.min ? "below min " : "above max ") +
                std::to_string(current < spec_.min ? spec_.min : spec_.max) + ": " + std::to_string(current) +
                " -> " + std::to_string(bounded);
      return bounded;
    }
    if (!datapoint) return current;
    if (above_ >= spec_.scale_out_datapoints) return scale_out(now, current, metric);
    if (below_.size() >= spec_.scale_in_datapoints) return scale_in(now, current);
    return current;
  }

 private:
  void record(double metric) {
    above_ = metric > spec_.target ? above_ + 1 : 0;
    if (metric < spec_.scale_in_threshold * spec_.target) {
      below_.push_back(metric);
      if (below_.size() > spec_.scale_in_datapoints) below_.pop_front();
    } else {
      below_.clear();
    }
  }

  static bool within(std::optional<SimTime> since, SimTime cooldown, SimTime now) {
    return since && now < *since + cooldown;
  }

  std::uint32_t scale_out(SimTime now, std::uint32_t current, double metric) {
    if (within(last_scale_out_, scale_out_cooldown_, now)) return current;
    const std::int64_t wanted = proportional_count(current, metric, spec_.target);
    const auto desired = static_cast<std::uint32_t>(std::min<std::int64_t>(wanted, spec_.max));
    if (desired <= current) return current;
    last_scale_out_ = now;
    reason_ = std::string(metric_name(spec_.metric)) + " " + metric_value_text(spec_.metric, metric) + " > " +
              metric_value_text(spec_.metric, spec_.target) + " for " + std::to_string(above_) + " periods: " +
              std::to_string(current) + " -> " + std::to_string(desired);
    if (wanted > desired) reason_ += " (max " + std::to_string(spec_.max) + ", wanted " + std::to_string(wanted) + ")";
    return desired;
  }

  std::uint32_t scale_in(SimTime now, std::uint32_t current) {
    if (spec_.disable_scale_in) return current;
    if (within(last_scale_out_, scale_out_cooldown_, now) || within(last_scale_in_, scale_in_cooldown_, now)) {
      return current;
    }
    const double busiest = *std::max_element(below_.begin(), below_.end());
    const std::int64_t wanted = proportional_count(current, busiest, spec_.target);
    const auto desired = static_cast<std::uint32_t>(std::max<std::int64_t>(wanted, spec_.min));
    if (desired >= current) return current;
    last_scale_in_ = now;
    char threshold[16];
    std::snprintf(threshold, sizeof threshold, "%g", spec_.scale_in_threshold);
    reason_ = std::string(metric_name(spec_.metric)) + " " + metric_value_text(spec_.metric, busiest) +
              " (highest of " + std::to_string(below_.size()) + " periods) < " +
              metric_value_text(spec_.metric, spec_.scale_in_threshold * spec_.target) + " (" + threshold + " x " +
              metric_value_text(spec_.metric, spec_.target) + "): " + std::to_string(current) + " -> " +
              std::to_string(desired);
    if (wanted < desired) reason_ += " (min " + std::to_string(spec_.min) + ")";
    return desired;
  }

  const AutoscalingSpec spec_;
  const SimTime period_;
  const SimTime scale_out_cooldown_;
  const SimTime scale_in_cooldown_;
  std::uint32_t above_ = 0;            // consecutive datapoints > target, ending with the latest
  std::deque<double> below_;           // the latest consecutive datapoints below the low
                                       // threshold, at most scale_in_datapoints of them
  std::optional<SimTime> last_scale_out_;  // when the last scale-out started its cooldown
  std::optional<SimTime> last_scale_in_;   // when the last scale-in started its cooldown
  std::string reason_;
};

}  // namespace

std::unique_ptr<Autoscaler> make_ecs_target_tracking(const scenario::AutoscalingSpec& spec) {
  return std::make_unique<EcsTargetTracking>(spec);
}

}  // namespace fleetsim::models
