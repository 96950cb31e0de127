#include "loadgen/load_recorder.h"

#include <algorithm>

namespace fleetsim::loadgen {

void StepLatencies::add(std::size_t step, const sim::LatencyHistogram& h) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (step < steps_.size()) steps_[step].merge(h);
}

std::vector<sim::LatencyHistogram> StepLatencies::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return steps_;
}

LoadRecorder::LoadRecorder(sim::SimTime window_start, sim::SimTime window_end, sim::SimTime step, std::size_t steps,
                           StepLatencies& step_latencies, LiveCounters& live)
    : window_start_(window_start),
      window_end_(window_end),
      step_(step),
      steps_(std::max<std::size_t>(1, steps)),
      step_latencies_(step_latencies),
      live_(live),
      step_sent_(steps_),
      step_ok_(steps_),
      step_errors_(steps_) {
  for (auto& v : step_failures_) v.assign(steps_, 0);
}

std::size_t LoadRecorder::step_of(sim::SimTime t) const {
  // Completions after the end (the drain) count in the last step.
  if (t < 0) return 0;
  return std::min(static_cast<std::size_t>(t / step_), steps_ - 1);
}

void LoadRecorder::planned(sim::SimTime intended_ns) {
  live_.sent.fetch_add(1, std::memory_order_relaxed);
  ++step_sent_[step_of(intended_ns)];
  if (in_window(intended_ns)) ++sent_;
}

void LoadRecorder::finished(sim::SimTime intended_ns, sim::SimTime sent_ns, sim::SimTime done_ns,
                            LoadOutcome outcome) {
  const bool ok = outcome == LoadOutcome::kOk;
  (ok ? live_.ok : live_.failed).fetch_add(1, std::memory_order_relaxed);
  const std::size_t step = step_of(done_ns);
  if (step != open_step_) {  // completion times only grow within a thread
    step_latencies_.add(open_step_, open_latencies_);
    open_latencies_.reset();
    open_step_ = step;
  }
  if (ok) {
    ++step_ok_[step];
    open_latencies_.record(done_ns - intended_ns);
  } else {
    ++step_errors_[step];
    ++step_failures_[static_cast<std::size_t>(outcome)][step];
  }
  if (!in_window(intended_ns)) return;
  ++outcomes_[static_cast<std::size_t>(outcome)];
  if (ok) {
    corrected_.record(done_ns - intended_ns);
    uncorrected_.record(done_ns - sent_ns);
  }
}

void LoadRecorder::flush() {
  step_latencies_.add(open_step_, open_latencies_);
  open_latencies_.reset();
}

void LoadRecorder::answered_by(const std::string& service, std::string_view task, sim::SimTime intended_ns) {
  if (task.empty() || !in_window(intended_ns)) return;
  auto& tasks = by_task_[service];
  const auto found = tasks.find(task);
  if (found != tasks.end()) {
    ++found->second;
  } else {
    tasks.emplace(std::string(task), 1);
  }
}

void LoadRecorder::merge(const LoadRecorder& other) {
  sent_ += other.sent_;
  for (const auto& [service, tasks] : other.by_task_) {
    for (const auto& [task, n] : tasks) by_task_[service][task] += n;
  }
  for (std::size_t i = 0; i < outcomes_.size(); ++i) outcomes_[i] += other.outcomes_[i];
  corrected_.merge(other.corrected_);
  uncorrected_.merge(other.uncorrected_);
  for (std::size_t k = 0; k < steps_ && k < other.steps_; ++k) {
    step_sent_[k] += other.step_sent_[k];
    step_ok_[k] += other.step_ok_[k];
    step_errors_[k] += other.step_errors_[k];
    for (std::size_t o = 0; o < step_failures_.size(); ++o) step_failures_[o][k] += other.step_failures_[o][k];
  }
}

}  // namespace fleetsim::loadgen
