// What a simulated run measures: client outcomes and latency within the measurement window,
// per-service figures, and time series over the whole run. Turns them into results::Results.
#pragma once

#include <array>
#include <vector>

#include "models/fleet.h"
#include "models/outcome.h"
#include "results/results.h"
#include "scenario/scenario.h"
#include "sim/histogram.h"
#include "sim/step_series.h"
#include "sim/time_weighted.h"

namespace fleetsim::models {

class RunMetrics {
 public:
  RunMetrics(const scenario::Scenario& scenario, const Fleet& fleet);

  bool in_window(sim::SimTime t) const { return t >= window_start_ && t < window_end_; }
  sim::SimTime window_start() const { return window_start_; }
  sim::SimTime window_end() const { return window_end_; }

  // A client request arrived at `now`.
  void client_sent(sim::SimTime now);
  // A client request that arrived at `arrival` ended at `now`.
  void client_done(sim::SimTime arrival, sim::SimTime now, Outcome outcome);
  // A request reached a service's balancer and went to `task` (global index).
  void service_sent(std::uint32_t service, std::uint32_t task, sim::SimTime now);
  // Its response came back; `sent_at` is when the balancer picked the task.
  void service_done(std::uint32_t service, sim::SimTime sent_at, sim::SimTime now, bool ok);
  // A worker of `service` computed from `start` to `end` (only the part inside the window counts).
  void worker_busy(std::uint32_t service, sim::SimTime start, sim::SimTime end);
  // The number of running tasks of a service changed (or is sampled) at `now`.
  void set_running_tasks(std::uint32_t service, sim::SimTime now, double running);
  void open_window();  // at window_start
  void close_window(); // at window_end

  results::Results finish(sim::SimTime end_of_run, const std::vector<sim::SimTime>& unfinished_arrivals);

 private:
  struct PerService {
    std::uint64_t requests = 0;
    std::uint64_t failed = 0;
    sim::LatencyHistogram latency;
    sim::TimeWeighted running_tasks;
    double busy_worker_ns = 0;
    std::vector<std::uint64_t> per_task;
    std::size_t tasks_gauge = 0;
  };
  const scenario::Scenario& scenario_;
  const Fleet& fleet_;
  sim::SimTime window_start_;
  sim::SimTime window_end_;
  std::uint64_t sent_ = 0;
  std::array<std::uint64_t, kOutcomeCount> outcomes_{};
  sim::LatencyHistogram latency_;
  sim::TimeWeighted in_system_;
  sim::StepSeries series_;
  std::size_t sent_counter_, ok_counter_, failed_counter_;
  std::vector<PerService> services_;
};

}  // namespace fleetsim::models
