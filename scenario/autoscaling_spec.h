// How one service scales: `services[i].autoscaling` in the scenario, parsed once by
// parse_autoscaling() into this plain struct. Two kinds, after the two real controllers users run:
//
// - kEcsTargetTracking: AWS Application Auto Scaling target tracking on an ECS service. Two
//   CloudWatch alarms watch the metric once a period (60 s): "high" when it is above the target
//   for 3 consecutive datapoints, "low" when it is below 90 % of the target for 15; the policy
//   then sets ceil(current × metric / target) tasks, within cooldowns.
// - kHpa: the Kubernetes HorizontalPodAutoscaler (autoscaling/v2) with its `behavior` field:
//   every sync period (15 s) desired = ceil(current × metric / target) unless within the
//   tolerance, then the stabilization windows and the rate policies, then minReplicas/maxReplicas.
//
// Defaults are the real systems' defaults. Seconds are doubles here, as everywhere in the
// scenario; models turn them into sim::SimTime.
#pragma once

#include <cstdint>
#include <vector>

namespace fleetsim::scenario {

struct AutoscalingSpec {
  enum class Kind {
    kEcsTargetTracking,  // "ecs_target_tracking" (default)
    kHpa,                // "hpa"
  };
  enum class Metric {
    kCpu,              // "cpu": average CPU of the service's running, ready tasks, as a fraction
                       // of their vCPU (ECS ECSServiceAverageCPUUtilization; HPA Resource cpu
                       // target type Utilization)
    kRequestsPerTask,  // "requests_per_task": requests per second per ready task (ECS
                       // ALBRequestCountPerTarget, which CloudWatch counts per minute — divide
                       // that target by 60; HPA Pods metric with an AverageValue target)
  };

  // One HPA scaling policy: `behavior.scaleUp|scaleDown.policies[i]`.
  struct Policy {
    enum class Type {
      kPercent,  // "percent": `type: Percent`, `value` % of the replicas at the start of the period
      kPods,     // "pods": `type: Pods`, `value` replicas
    };
    Type type = Type::kPercent;
    std::uint32_t value = 100;  // `value`: pods, or percent (> 100 allowed for scale-up); >= 1
    double period_s = 15;       // `periodSeconds`: the look-back over which changes add up; (0, 1800]
  };

  // How the HPA picks among several policies: `selectPolicy`.
  enum class Select {
    kMax,       // "max": `Max`, the policy allowing the largest change (default)
    kMin,       // "min": `Min`, the policy allowing the smallest change
    kDisabled,  // "disabled": `Disabled`, no scaling in this direction at all
  };

  // One direction of the HPA's `behavior`: `behavior.scaleUp` or `behavior.scaleDown`.
  struct ScalingRules {
    // `stabilizationWindowSeconds`: recommendations of the last this many seconds are kept;
    // scale-up goes no higher than the lowest of them, scale-down no lower than the highest.
    // Defaults: 0 up, 300 down; [0, 3600].
    double stabilization_s = 0;
    std::vector<Policy> policies;  // `policies`; never empty after parsing
    Select select = Select::kMax;  // `selectPolicy`
  };

  Kind kind = Kind::kEcsTargetTracking;  // `kind`, default ecs_target_tracking
  Metric metric = Metric::kCpu;          // `metric`, default cpu
  // The value the controller holds the metric at: a fraction in (0, 1] for cpu (ECS TargetValue
  // 70 and HPA averageUtilization 70 are 0.7 here), requests per second per task for
  // requests_per_task. Required.
  double target = 0.7;
  // Bounds on the desired count: ECS MinCapacity / MaxCapacity, HPA minReplicas / maxReplicas.
  // min defaults to 1 (the HPA default; >= 1 for hpa, >= 0 for ECS); max is required; min <= max.
  std::uint32_t min = 1;
  std::uint32_t max = 1;

  // --- kEcsTargetTracking only ---
  // The CloudWatch metric period: one datapoint, and one evaluation, every this many seconds.
  double period_s = 60;
  // `ScaleOutCooldown`: after a scale-out, no further scale-out (and no scale-in) for this long.
  double scale_out_cooldown_s = 300;
  // `ScaleInCooldown`: after a scale-in, no further scale-in for this long (scale-out still may).
  double scale_in_cooldown_s = 300;
  // The high alarm's EvaluationPeriods / DatapointsToAlarm: consecutive datapoints > target.
  std::uint32_t scale_out_datapoints = 3;
  // The low alarm's EvaluationPeriods / DatapointsToAlarm: consecutive datapoints below
  // scale_in_threshold × target.
  std::uint32_t scale_in_datapoints = 15;
  // The low alarm's threshold as a fraction of the target (AWS fixes it at 0.9; in (0, 1]).
  double scale_in_threshold = 0.9;
  // `DisableScaleIn`: the policy never removes tasks (only min/max changes do).
  bool disable_scale_in = false;

  // --- kHpa only ---
  // `--horizontal-pod-autoscaler-sync-period`: how often the controller evaluates.
  double sync_period_s = 15;
  // `--horizontal-pod-autoscaler-tolerance`: no change while |metric / target - 1| <= this.
  double tolerance = 0.1;
  // `behavior.scaleUp`, default: no stabilization; max(+100 %, +4 pods) per 15 s.
  ScalingRules scale_up{0,
                        {{Policy::Type::kPercent, 100, 15}, {Policy::Type::kPods, 4, 15}},
                        Select::kMax};
  // `behavior.scaleDown`, default: 300 s stabilization; -100 % per 15 s.
  ScalingRules scale_down{300, {{Policy::Type::kPercent, 100, 15}}, Select::kMax};
};

}  // namespace fleetsim::scenario
