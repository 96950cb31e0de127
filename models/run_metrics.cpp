#include "models/run_metrics.h"

#include <algorithm>
#include <cmath>

namespace fleetsim::models {

namespace {
std::size_t step_count(const scenario::Scenario& s) {
  return static_cast<std::size_t>(std::ceil(s.duration_s / s.step_s - 1e-9));
}
}  // namespace

RunMetrics::RunMetrics(const scenario::Scenario& scenario, const Fleet& fleet)
    : scenario_(scenario),
      fleet_(fleet),
      window_start_(sim::from_seconds(scenario.warmup_s)),
      window_end_(sim::from_seconds(scenario.duration_s)),
      series_(0, sim::from_seconds(scenario.step_s), step_count(scenario)) {
  sent_counter_ = series_.add_counter("sent");
  ok_counter_ = series_.add_counter("ok");
  failed_counter_ = series_.add_counter("failed");
  services_.resize(fleet.services().size());
  for (std::size_t i = 0; i < services_.size(); ++i) {
    services_[i].per_task.assign(fleet.services()[i].task_count, 0);
    services_[i].tasks_gauge = series_.add_gauge(fleet.services()[i].name);
  }
}

void RunMetrics::client_sent(sim::SimTime now) {
  series_.count(now, sent_counter_);
  in_system_.add(now, 1);
  if (in_window(now)) ++sent_;
}

void RunMetrics::client_done(sim::SimTime arrival, sim::SimTime now, Outcome outcome) {
  const bool ok = outcome == Outcome::kOk;
  in_system_.add(now, -1);
  series_.count(now, ok ? ok_counter_ : failed_counter_);
  if (ok) series_.record_latency(now, now - arrival);
  if (!in_window(arrival)) return;
  ++outcomes_[static_cast<std::size_t>(outcome)];
  if (ok) latency_.record(now - arrival);
}

void RunMetrics::service_sent(std::uint32_t service, std::uint32_t task, sim::SimTime now) {
  if (!in_window(now)) return;
  auto& s = services_[service];
  ++s.requests;
  ++s.per_task[task - fleet_.services()[service].first_task];
}

void RunMetrics::service_done(std::uint32_t service, sim::SimTime sent_at, sim::SimTime now, bool ok) {
  if (!in_window(sent_at)) return;
  if (ok) {
    services_[service].latency.record(now - sent_at);
  } else {
    ++services_[service].failed;
  }
}

void RunMetrics::worker_busy(std::uint32_t service, sim::SimTime start, sim::SimTime end) {
  const sim::SimTime from = std::max(start, window_start_);
  const sim::SimTime to = std::min(end, window_end_);
  if (to > from) services_[service].busy_worker_ns += static_cast<double>(to - from);
}

void RunMetrics::set_running_tasks(std::uint32_t service, sim::SimTime now, double running) {
  services_[service].running_tasks.set(now, running);
  series_.set_gauge(now, services_[service].tasks_gauge, running);
}

void RunMetrics::open_window() {
  in_system_.open_window(window_start_);
  for (auto& s : services_) s.running_tasks.open_window(window_start_);
}

void RunMetrics::close_window() {
  in_system_.close_window(window_end_);
  for (auto& s : services_) s.running_tasks.close_window(window_end_);
}

results::Results RunMetrics::finish(sim::SimTime end_of_run, const std::vector<sim::SimTime>& unfinished_arrivals) {
  for (sim::SimTime arrival : unfinished_arrivals) {
    if (in_window(arrival)) ++outcomes_[static_cast<std::size_t>(Outcome::kUnfinished)];
  }
  series_.close_through(std::max(end_of_run, window_end_));

  results::Results r;
  r.source = "sim";
  r.scenario_name = scenario_.name;
  r.scenario_sha256 = scenario_.sha256;
  r.seed = scenario_.seed;
  r.window_start_s = sim::to_seconds(window_start_);
  r.window_end_s = sim::to_seconds(window_end_);
  r.sent = sent_;
  r.ok = outcomes_[static_cast<std::size_t>(Outcome::kOk)];
  r.failed = r.sent >= r.ok ? r.sent - r.ok : 0;
  for (int i = 0; i < kOutcomeCount; ++i) {
    const auto o = static_cast<Outcome>(i);
    // ok and the failure kinds this build can produce are always listed, so runs compare.
    if (outcomes_[i] > 0 || o == Outcome::kOk || o == Outcome::kHttp5xx || o == Outcome::kRejected ||
        o == Outcome::kNoBackend || o == Outcome::kUnfinished) {
      r.by_outcome[std::string(outcome_name(o))] = outcomes_[i];
    }
  }
  const double window_s = sim::to_seconds(window_end_ - window_start_);
  r.availability = r.sent ? static_cast<double>(r.ok) / static_cast<double>(r.sent) : 1.0;
  r.throughput_rps = static_cast<double>(r.ok) / window_s;
  r.latency = results::LatencySummary::of(latency_);
  r.histogram = latency_;
  r.concurrency_mean = in_system_.mean();

  for (std::size_t i = 0; i < services_.size(); ++i) {
    const auto& s = services_[i];
    const auto& state = fleet_.services()[i];
    results::ServiceResult out;
    out.requests = s.requests;
    out.failed = s.failed;
    out.latency = results::LatencySummary::of(s.latency);
    out.tasks_min = s.running_tasks.min();
    out.tasks_max = s.running_tasks.max();
    out.tasks_mean = s.running_tasks.mean();
    const double capacity_ns = s.running_tasks.mean() * state.workers_per_task * window_s * 1e9;
    out.cpu_utilization = capacity_ns > 0 ? s.busy_worker_ns / capacity_ns : 0;
    out.per_task_requests = s.per_task;
    r.services[state.name] = std::move(out);
  }

  auto& ts = r.timeseries;
  ts.step_s = scenario_.step_s;
  const double step_s = sim::to_seconds(series_.step());
  for (std::size_t k = 0; k < series_.steps(); ++k) {
    const double start = step_s * static_cast<double>(k);
    // The last step may be cut short by the end of the run.
    const double span = std::min(step_s, scenario_.duration_s - start);
    ts.t.push_back(start);
    ts.rps.push_back(static_cast<double>(series_.counter(sent_counter_)[k]) / span);
    ts.ok_rps.push_back(static_cast<double>(series_.counter(ok_counter_)[k]) / span);
    ts.errors.push_back(static_cast<double>(series_.counter(failed_counter_)[k]) / span);
    ts.p50_ms.push_back(sim::to_millis(series_.p50()[k]));
    ts.p99_ms.push_back(sim::to_millis(series_.p99()[k]));
  }
  for (std::size_t i = 0; i < services_.size(); ++i) {
    ts.tasks[fleet_.services()[i].name] = series_.gauge(services_[i].tasks_gauge);
  }

  const auto& slo = scenario_.slo;
  auto check = [&](std::string name, double target, double actual, bool pass) {
    r.slo_checks.push_back({std::move(name), target, actual, pass});
    r.slo_pass = r.slo_pass && pass;
  };
  if (slo.latency_p50_ms > 0) check("latency_p50_ms", slo.latency_p50_ms, r.latency.p50, r.latency.p50 <= slo.latency_p50_ms);
  if (slo.latency_p99_ms > 0) check("latency_p99_ms", slo.latency_p99_ms, r.latency.p99, r.latency.p99 <= slo.latency_p99_ms);
  if (slo.availability > 0) check("availability", slo.availability, r.availability, r.availability >= slo.availability);
  for (const auto& key : scenario_.unmodelled) {
    r.warnings.push_back(key + " is recognised but not modelled by this build; it had no effect");
  }
  return r;
}

}  // namespace fleetsim::models
