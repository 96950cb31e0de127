#include "models/run_metrics.h"

#include <algorithm>
#include <cmath>

#include "results/slo.h"

namespace fleetsim::models {

namespace {
std::size_t step_count(const scenario::Scenario& s) {
  return static_cast<std::size_t>(std::ceil(s.duration_s / s.step_s - 1e-9));
}
// Events beyond this many are counted, not kept: a churning fleet must not grow memory without end.
constexpr std::size_t kMaxEvents = 10'000;
}  // namespace

RunMetrics::RunMetrics(const scenario::Scenario& scenario)
    : scenario_(scenario),
      window_start_(sim::from_seconds(scenario.warmup_s)),
      window_end_(sim::from_seconds(scenario.duration_s)),
      series_(0, sim::from_seconds(scenario.step_s), step_count(scenario)) {
  sent_counter_ = series_.add_counter("sent");
  ok_counter_ = series_.add_counter("ok");
  failed_counter_ = series_.add_counter("failed");
  retry_counter_ = series_.add_counter("retries");
  failed_by_arrival_counter_ = series_.add_counter("failed_by_arrival");
  for (int o = 0; o < kOutcomeCount; ++o) {
    failed_outcome_counters_[static_cast<std::size_t>(o)] =
        series_.add_counter("failed." + std::string(outcome_name(static_cast<Outcome>(o))));
  }
  services_.resize(scenario.services.size());
  for (std::size_t i = 0; i < services_.size(); ++i) {
    services_[i].name = scenario.services[i].name;
    services_[i].workers = scenario.services[i].task.workers;
    services_[i].tasks_gauge = series_.add_gauge(scenario.services[i].name);
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
  if (!ok) {
    series_.count(arrival, failed_by_arrival_counter_);
    series_.count(now, failed_outcome_counters_[static_cast<std::size_t>(outcome)]);
  }
  if (ok) series_.record_latency(now, now - arrival);
  if (!in_window(arrival)) return;
  ++outcomes_[static_cast<std::size_t>(outcome)];
  if (ok) latency_.record(now - arrival);
}

void RunMetrics::service_sent(std::uint32_t service, std::uint32_t task, sim::SimTime now) {
  auto& s = services_[service];
  ++s.all_requests;
  if (!in_window(now)) return;
  ++s.requests;
  if (task >= per_task_.size()) {
    per_task_.resize(task + 1, 0);
    task_service_.resize(task + 1, UINT32_MAX);
  }
  ++per_task_[task];
  task_service_[task] = service;
}

void RunMetrics::service_done(std::uint32_t service, sim::SimTime sent_at, sim::SimTime now, bool ok) {
  if (!in_window(sent_at)) return;
  if (ok) {
    services_[service].latency.record(now - sent_at);
  } else {
    ++services_[service].failed;
  }
}

void RunMetrics::misrouted(std::uint32_t service, std::uint32_t /*other*/, sim::SimTime now) {
  if (in_window(now)) ++services_[service].misrouted_in;
}

void RunMetrics::retry(sim::SimTime now) {
  series_.count(now, retry_counter_);
  if (in_window(now)) ++retries_;
}

void RunMetrics::worker_busy(std::uint32_t service, sim::SimTime start, sim::SimTime end) {
  auto& s = services_[service];
  s.all_busy_ns += static_cast<double>(end - start);
  const sim::SimTime from = std::max(start, window_start_);
  const sim::SimTime to = std::min(end, window_end_);
  if (to > from) s.busy_worker_ns += static_cast<double>(to - from);
}

void RunMetrics::set_running_tasks(std::uint32_t service, sim::SimTime now, double running) {
  auto& s = services_[service];
  s.all_running_ns += s.running_now * static_cast<double>(now - s.running_since);
  s.running_now = running;
  s.running_since = now;
  s.running_tasks.set(now, running);
  series_.set_gauge(now, s.tasks_gauge, running);
}

double RunMetrics::running_task_ns(std::uint32_t service, sim::SimTime now) const {
  const auto& s = services_[service];
  return s.all_running_ns + s.running_now * static_cast<double>(now - s.running_since);
}

void RunMetrics::billed_tasks(std::uint32_t service, sim::SimTime now, double delta) {
  services_[service].billed.add(now, delta);
}

void RunMetrics::set_pending_tasks(std::uint32_t service, sim::SimTime now, double pending) {
  services_[service].pending.set(now, pending);
}

double RunMetrics::billed_task_seconds(std::uint32_t service) const {
  return services_[service].billed.mean() * sim::to_seconds(window_end_ - window_start_);
}

void RunMetrics::event(sim::SimTime t, std::string kind, std::string detail) {
  if (events_.size() < kMaxEvents) {
    events_.push_back({sim::to_seconds(t), std::move(kind), std::move(detail)});
  } else if (events_.size() == kMaxEvents) {
    events_.push_back({sim::to_seconds(t), "events_truncated", "more events than " + std::to_string(kMaxEvents) + "; the rest are not listed"});
  }
}

void RunMetrics::region_outage(sim::SimTime now) {
  if (outage_at_ < 0) outage_at_ = now;
}

void RunMetrics::failover_detected(sim::SimTime now) {
  if (outage_at_ >= 0 && detected_at_ < 0 && now >= outage_at_) detected_at_ = now;
}

void RunMetrics::open_window() {
  in_system_.open_window(window_start_);
  for (auto& s : services_) {
    s.running_tasks.open_window(window_start_);
    s.billed.open_window(window_start_);
    s.pending.open_window(window_start_);
  }
}

void RunMetrics::close_window() {
  in_system_.close_window(window_end_);
  for (auto& s : services_) {
    s.running_tasks.close_window(window_end_);
    s.billed.close_window(window_end_);
    s.pending.close_window(window_end_);
  }
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
  r.retries = retries_;
  r.ok = outcomes_[static_cast<std::size_t>(Outcome::kOk)];
  r.failed = r.sent >= r.ok ? r.sent - r.ok : 0;
  for (int i = 0; i < kOutcomeCount; ++i) {
    // Every outcome is listed, zero or not, so that runs compare key by key.
    r.by_outcome[std::string(outcome_name(static_cast<Outcome>(i)))] = outcomes_[i];
  }
  const double window_s = sim::to_seconds(window_end_ - window_start_);
  r.availability = r.sent ? static_cast<double>(r.ok) / static_cast<double>(r.sent) : 1.0;
  r.throughput_rps = static_cast<double>(r.ok) / window_s;
  r.latency = results::LatencySummary::of(latency_);
  r.histogram = latency_;
  r.concurrency_mean = in_system_.mean();

  for (std::size_t i = 0; i < services_.size(); ++i) {
    const auto& s = services_[i];
    results::ServiceResult out;
    out.requests = s.requests;
    out.failed = s.failed;
    out.misrouted = s.misrouted_in;
    out.latency = results::LatencySummary::of(s.latency);
    out.tasks_min = s.running_tasks.min();
    out.tasks_max = s.running_tasks.max();
    out.tasks_mean = s.running_tasks.mean();
    out.pending_mean = s.pending.mean();
    out.pending_max = s.pending.max();
    // CPU: the share of worker time spent computing (docs/models.md: a task's workers saturate
    // its vCPU exactly when all of them compute).
    const double capacity_ns = s.running_tasks.mean() * s.workers * window_s * 1e9;
    out.cpu_utilization = capacity_ns > 0 ? s.busy_worker_ns / capacity_ns : 0;
    for (std::size_t t = 0; t < per_task_.size(); ++t) {
      if (task_service_[t] == i) out.per_task_requests.push_back(per_task_[t]);
    }
    r.services[s.name] = std::move(out);
  }

  auto& ts = r.timeseries;
  ts.step_s = scenario_.step_s;
  const double step_s = sim::to_seconds(series_.step());
  for (std::size_t k = 0; k < series_.steps(); ++k) {
    const double start = step_s * static_cast<double>(k);
    const double span = std::min(step_s, scenario_.duration_s - start);  // the last step may be short
    ts.t.push_back(start);
    ts.rps.push_back(static_cast<double>(series_.counter(sent_counter_)[k]) / span);
    ts.ok_rps.push_back(static_cast<double>(series_.counter(ok_counter_)[k]) / span);
    ts.errors.push_back(static_cast<double>(series_.counter(failed_counter_)[k]) / span);
    ts.retries.push_back(static_cast<double>(series_.counter(retry_counter_)[k]) / span);
    ts.p50_ms.push_back(sim::to_millis(series_.p50()[k]));
    ts.p99_ms.push_back(sim::to_millis(series_.p99()[k]));
  }
  for (int o = 0; o < kOutcomeCount; ++o) {
    if (static_cast<Outcome>(o) == Outcome::kOk) continue;
    const auto& counts = series_.counter(failed_outcome_counters_[static_cast<std::size_t>(o)]);
    bool any = false;
    for (auto n : counts) any = any || n > 0;
    if (!any) continue;
    auto& v = ts.errors_by_outcome[std::string(outcome_name(static_cast<Outcome>(o)))];
    for (std::size_t k = 0; k < series_.steps(); ++k) {
      const double start = step_s * static_cast<double>(k);
      v.push_back(static_cast<double>(counts[k]) / std::min(step_s, scenario_.duration_s - start));
    }
  }
  for (const auto& s : services_) ts.tasks[s.name] = series_.gauge(s.tasks_gauge);
  r.events = events_;

  if (outage_at_ >= 0) {
    auto& f = r.failover;
    f.present = true;
    f.outage_at_s = sim::to_seconds(outage_at_);
    f.detected_at_s = detected_at_ < 0 ? -1 : sim::to_seconds(detected_at_);
    const auto& sent = series_.counter(sent_counter_);
    const auto& failed = series_.counter(failed_by_arrival_counter_);
    const auto first = static_cast<std::size_t>(outage_at_ / series_.step());
    for (std::size_t k = first + 1; k < series_.steps(); ++k) {
      if (sent[k] > 0 && static_cast<double>(failed[k]) <= 0.01 * static_cast<double>(sent[k])) {
        f.recovered_at_s = step_s * static_cast<double>(k);
        f.rto_s = f.recovered_at_s - f.outage_at_s;
        break;
      }
    }
    // Writes of the last replication lag never reached the other region.
    const double lag_s = scenario_.failover.replication_lag_ms / 1000;
    f.rpo_s = lag_s;
    const double rate = first > 0 ? static_cast<double>(sent[first - 1]) / step_s : 0;
    f.lost_writes = rate * scenario_.failover.writes_per_request * lag_s;
  }

  results::check_slo(scenario_.slo.latency_p50_ms, scenario_.slo.latency_p99_ms, scenario_.slo.availability, r);
  for (const auto& key : scenario_.unmodelled) {
    r.warnings.push_back(key + " is recognised but not modelled by this build; it had no effect");
  }
  return r;
}

}  // namespace fleetsim::models
