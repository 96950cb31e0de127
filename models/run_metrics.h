// What a simulated run measures: client outcomes and latency within the measurement window,
// per-service figures, time series over the whole run, and the events of the run (faults,
// scaling, discovery). Also keeps the all-time integrals that the autoscalers read.
// Turns them into results::Results.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "models/outcome.h"
#include "results/results.h"
#include "scenario/scenario.h"
#include "sim/histogram.h"
#include "sim/step_series.h"
#include "sim/time_weighted.h"

namespace fleetsim::models {

class RunMetrics {
 public:
  explicit RunMetrics(const scenario::Scenario& scenario);

  bool in_window(sim::SimTime t) const { return t >= window_start_ && t < window_end_; }
  sim::SimTime window_start() const { return window_start_; }
  sim::SimTime window_end() const { return window_end_; }

  void client_sent(sim::SimTime now);
  void client_done(sim::SimTime arrival, sim::SimTime now, Outcome outcome);
  // A try reached a task of its service (global task id).
  void service_sent(std::uint32_t service, std::uint32_t task, sim::SimTime now);
  void service_done(std::uint32_t service, sim::SimTime sent_at, sim::SimTime now, bool ok);
  // A try for `service` reached a task of `other` through a reused port.
  void misrouted(std::uint32_t service, std::uint32_t other, sim::SimTime now);
  void retry(sim::SimTime now);
  // A worker of `service` computed from `start` to `end`.
  void worker_busy(std::uint32_t service, sim::SimTime start, sim::SimTime end);
  // The number of running (ready) tasks of a service is now `running`.
  void set_running_tasks(std::uint32_t service, sim::SimTime now, double running);
  // Billed tasks (placed, not yet stopped) of a service change by `delta`.
  void billed_tasks(std::uint32_t service, sim::SimTime now, double delta);
  void set_pending_tasks(std::uint32_t service, sim::SimTime now, double pending);
  void event(sim::SimTime t, std::string kind, std::string detail);
  // A region went down now / DNS stopped sending clients to it now.
  void region_outage(sim::SimTime now);
  void failover_detected(sim::SimTime now);
  void open_window();
  void close_window();

  // All-time integrals for autoscaling: busy worker-ns and running-task-ns of a service so far,
  // and requests that reached it.
  double busy_worker_ns(std::uint32_t service) const { return services_[service].all_busy_ns; }
  double running_task_ns(std::uint32_t service, sim::SimTime now) const;
  std::uint64_t requests_total(std::uint32_t service) const { return services_[service].all_requests; }

  // Task-seconds billed per service inside the window.
  double billed_task_seconds(std::uint32_t service) const;

  results::Results finish(sim::SimTime end_of_run, const std::vector<sim::SimTime>& unfinished_arrivals);

 private:
  struct PerService {
    std::string name;
    std::uint32_t workers = 1;
    std::uint64_t requests = 0;
    std::uint64_t failed = 0;
    std::uint64_t misrouted_in = 0;  // tries for this service answered by another
    sim::LatencyHistogram latency;
    sim::TimeWeighted running_tasks;
    sim::TimeWeighted billed;
    sim::TimeWeighted pending;
    double busy_worker_ns = 0;       // inside the window
    double all_busy_ns = 0;
    double all_running_ns = 0;       // integral of running tasks, all time
    double running_now = 0;
    sim::SimTime running_since = 0;
    std::uint64_t all_requests = 0;
    std::size_t tasks_gauge = 0;
  };
  const scenario::Scenario& scenario_;
  sim::SimTime window_start_;
  sim::SimTime window_end_;
  std::uint64_t sent_ = 0;
  std::uint64_t retries_ = 0;
  std::array<std::uint64_t, kOutcomeCount> outcomes_{};
  sim::LatencyHistogram latency_;
  sim::TimeWeighted in_system_;
  sim::StepSeries series_;
  std::size_t sent_counter_, ok_counter_, failed_counter_, retry_counter_, failed_by_arrival_counter_;
  std::array<std::size_t, kOutcomeCount> failed_outcome_counters_{};  // per step, by outcome
  sim::SimTime outage_at_ = -1;
  sim::SimTime detected_at_ = -1;
  std::vector<PerService> services_;
  std::vector<std::uint64_t> per_task_;        // by global task id, inside the window
  std::vector<std::uint32_t> task_service_;    // by global task id
  std::vector<results::Event> events_;
};

}  // namespace fleetsim::models
