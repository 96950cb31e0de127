#include "models/scaling_controller.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace fleetsim::models {

ScalingController::ScalingController(sim::Engine& engine, const scenario::Scenario& s, Cluster& cluster,
                                     RunMetrics& metrics)
    : engine_(engine), scenario_(s), cluster_(cluster), metrics_(metrics), services_(s.services.size()) {
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    if (!s.services[i].autoscaling) continue;
    services_[i].autoscaler = make_autoscaler(*s.services[i].autoscaling);
    services_[i].metric = s.services[i].autoscaling->metric;
  }
}

void ScalingController::start() {
  for (std::uint32_t i = 0; i < services_.size(); ++i) {
    if (!services_[i].autoscaler) continue;
    // Replicas outside [min, max] are brought inside at once, as ECS and the HPA do.
    const auto& spec = *scenario_.services[i].autoscaling;
    const std::uint32_t desired = cluster_.desired(i);
    if (desired < spec.min || desired > spec.max) {
      cluster_.set_desired(i, desired < spec.min ? spec.min : spec.max, "autoscaling bounds");
    }
    engine_.schedule_in(services_[i].autoscaler->evaluation_interval(), *this, i, sim::Priority::kLate);
  }
}

void ScalingController::on_event(std::uint64_t tag) {
  const auto service = static_cast<std::uint32_t>(tag);
  Scaled& s = services_[service];
  const sim::SimTime now = engine_.now();
  const double busy = metrics_.busy_worker_ns(service);
  const double running = metrics_.running_task_ns(service, now);
  const std::uint64_t requests = metrics_.requests_total(service);
  const double running_delta = running - s.running_ns;
  double metric = std::numeric_limits<double>::quiet_NaN();  // no ready task: no datapoint
  if (running_delta > 0) {
    if (s.metric == scenario::AutoscalingSpec::Metric::kCpu) {
      metric = (busy - s.busy_ns) / (running_delta * scenario_.services[service].task.workers);
    } else {
      metric = static_cast<double>(requests - s.requests) / (running_delta * 1e-9);
    }
  }
  s.busy_ns = busy;
  s.running_ns = running;
  s.requests = requests;
  const std::uint32_t current = cluster_.desired(service);
  const std::uint32_t next = s.autoscaler->evaluate(now, current, metric);
  if (next != current) cluster_.set_desired(service, next, "autoscaling: " + s.autoscaler->last_reason());
  engine_.schedule_in(s.autoscaler->evaluation_interval(), *this, tag, sim::Priority::kLate);
}

}  // namespace fleetsim::models
