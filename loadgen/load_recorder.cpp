#include "loadgen/load_recorder.h"

#include <algorithm>
#include <stdexcept>

namespace fleetsim::loadgen {

void StepLatencies::add(std::size_t step, const sim::LatencyHistogram& h) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (step < steps_.size()) steps_[step].merge(h);
}

std::vector<sim::LatencyHistogram> StepLatencies::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return steps_;
}

LoadTally::LoadTally(std::size_t steps)
    : step_sent(std::max<std::size_t>(1, steps)),
      step_ok(step_sent.size()),
      step_errors(step_sent.size()),
      step_latencies(step_sent.size()) {
  for (auto& v : step_failures) v.assign(step_sent.size(), 0);
}

void LoadTally::merge(const LoadTally& other) {
  if (other.steps() != steps()) throw std::invalid_argument("load tallies with different step counts cannot be merged");
  sent += other.sent;
  for (std::size_t i = 0; i < outcomes.size(); ++i) outcomes[i] += other.outcomes[i];
  corrected.merge(other.corrected);
  uncorrected.merge(other.uncorrected);
  for (std::size_t k = 0; k < steps(); ++k) {
    step_sent[k] += other.step_sent[k];
    step_ok[k] += other.step_ok[k];
    step_errors[k] += other.step_errors[k];
    for (std::size_t o = 0; o < step_failures.size(); ++o) step_failures[o][k] += other.step_failures[o][k];
    step_latencies[k].merge(other.step_latencies[k]);
  }
  for (const auto& [service, tasks] : other.by_task) {
    auto& mine = by_task[service];
    for (const auto& [task, n] : tasks) mine[task] += n;
  }
  planned_total += other.planned_total;
  wall_s = std::max(wall_s, other.wall_s);
}

LoadRecorder::LoadRecorder(sim::SimTime window_start, sim::SimTime window_end, sim::SimTime step, std::size_t steps,
                           StepLatencies& step_latencies, LiveCounters& live)
    : window_start_(window_start),
      window_end_(window_end),
      step_(step),
      steps_(std::max<std::size_t>(1, steps)),
      step_latencies_(step_latencies),
      live_(live),
      tally_(steps_) {}

std::size_t LoadRecorder::step_of(sim::SimTime t) const {
  // Completions after the end (the drain) count in the last step.
  if (t < 0) return 0;
  return std::min(static_cast<std::size_t>(t / step_), steps_ - 1);
}

void LoadRecorder::planned(sim::SimTime intended_ns) {
  live_.sent.fetch_add(1, std::memory_order_relaxed);
  ++tally_.planned_total;
  ++tally_.step_sent[step_of(intended_ns)];
  if (in_window(intended_ns)) ++tally_.sent;
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
    ++tally_.step_ok[step];
    open_latencies_.record(done_ns - intended_ns);
  } else {
    ++tally_.step_errors[step];
    ++tally_.step_failures[static_cast<std::size_t>(outcome)][step];
  }
  if (!in_window(intended_ns)) return;
  ++tally_.outcomes[static_cast<std::size_t>(outcome)];
  if (ok) {
    tally_.corrected.record(done_ns - intended_ns);
    tally_.uncorrected.record(done_ns - sent_ns);
  }
}

void LoadRecorder::flush() {
  step_latencies_.add(open_step_, open_latencies_);
  open_latencies_.reset();
}

void LoadRecorder::answered_by(const std::string& service, std::string_view task, sim::SimTime intended_ns) {
  if (task.empty() || !in_window(intended_ns)) return;
  auto& tasks = tally_.by_task[service];
  const auto found = tasks.find(task);
  if (found != tasks.end()) {
    ++found->second;
  } else {
    tasks.emplace(std::string(task), 1);
  }
}

}  // namespace fleetsim::loadgen
