// One factory per autoscaler kind, each defined in the kind's own file; make_autoscaler()
// (autoscaler.cpp) picks among them. Also the wording shared by their reasons.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "models/autoscaling/autoscaler.h"

namespace fleetsim::models {

std::unique_ptr<Autoscaler> make_ecs_target_tracking(const scenario::AutoscalingSpec& spec);
std::unique_ptr<Autoscaler> make_hpa(const scenario::AutoscalingSpec& spec);

// A metric value as reasons print it: "0.91" for cpu, "123.4" for requests per task.
inline std::string metric_value_text(scenario::AutoscalingSpec::Metric metric, double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, metric == scenario::AutoscalingSpec::Metric::kCpu ? "%.2f" : "%.1f", value);
  return buffer;
}

// The metric's name in reasons.
inline const char* metric_name(scenario::AutoscalingSpec::Metric metric) {
  return metric == scenario::AutoscalingSpec::Metric::kCpu ? "cpu" : "requests/s per task";
}

// ceil(current × metric / target), the proportional count both controllers use. The 1e-9 keeps
// a product that is an integer but for rounding (4 × 0.875 / 0.7) from gaining a task.
inline std::int64_t proportional_count(std::uint32_t current, double metric, double target) {
  return static_cast<std::int64_t>(std::ceil(static_cast<double>(current) * metric / target - 1e-9));
}

}  // namespace fleetsim::models
