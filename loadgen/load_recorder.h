// What one load thread measured, merged exactly across threads at the end (counts add,
// histograms add bucket by bucket; no percentile is ever averaged).
//
// Requests belong to the measurement window by their intended send time; the per-step series
// counts sends by intended time and completions (ok, errors, latency) by completion time.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "loadgen/http_client.h"
#include "sim/histogram.h"
#include "sim/time.h"

namespace fleetsim::loadgen {

// Per-step latency histograms shared by all threads; each thread adds its step when it moves on,
// so memory is one histogram per step, not per step and thread.
class StepLatencies {
 public:
  explicit StepLatencies(std::size_t steps) : steps_(steps) {}
  void add(std::size_t step, const sim::LatencyHistogram& h);
  // Copies out (call after every thread has flushed).
  std::vector<sim::LatencyHistogram> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::vector<sim::LatencyHistogram> steps_;
};

// Totals for the progress line; written by load threads, read by the main thread.
struct LiveCounters {
  std::atomic<std::uint64_t> sent{0}, ok{0}, failed{0};
};

class LoadRecorder {
 public:
  // Window [window_start, window_end) and steps of `step` ns from 0, all in ns from the start.
  LoadRecorder(sim::SimTime window_start, sim::SimTime window_end, sim::SimTime step, std::size_t steps,
               StepLatencies& step_latencies, LiveCounters& live);

  // A request whose intended send time has come (sent or, later, dropped).
  void planned(sim::SimTime intended_ns);
  // Its end; sent_ns is when it went on the wire (ignored unless ok).
  void finished(sim::SimTime intended_ns, sim::SimTime sent_ns, sim::SimTime done_ns, LoadOutcome outcome);
  // An ok answer of `task` (X-Fleetsim-Task) for `service`, counted when the request's intended
  // time is in the window.
  void answered_by(const std::string& service, std::string_view task, sim::SimTime intended_ns);
  // Hands the open step's latencies to StepLatencies; call once when the thread is done.
  void flush();
  // Adds `other`'s window totals and step counters (not its step latencies, which are shared).
  void merge(const LoadRecorder& other);

  std::uint64_t sent() const { return sent_; }
  const std::array<std::uint64_t, kLoadOutcomeCount>& outcomes() const { return outcomes_; }
  const sim::LatencyHistogram& corrected() const { return corrected_; }
  const sim::LatencyHistogram& uncorrected() const { return uncorrected_; }
  const std::vector<std::uint64_t>& step_sent() const { return step_sent_; }
  const std::vector<std::uint64_t>& step_ok() const { return step_ok_; }
  const std::vector<std::uint64_t>& step_errors() const { return step_errors_; }
  // Failed completions per step, by outcome (index: LoadOutcome).
  const std::array<std::vector<std::uint64_t>, kLoadOutcomeCount>& step_failures() const { return step_failures_; }
  // ok answers in the window by service, then by answering task
  const std::map<std::string, std::map<std::string, std::uint64_t, std::less<>>>& by_task() const { return by_task_; }

 private:
  bool in_window(sim::SimTime t) const { return t >= window_start_ && t < window_end_; }
  std::size_t step_of(sim::SimTime t) const;

  sim::SimTime window_start_, window_end_, step_;
  std::size_t steps_;
  StepLatencies& step_latencies_;
  LiveCounters& live_;
  std::uint64_t sent_ = 0;                                 // in the window
  std::array<std::uint64_t, kLoadOutcomeCount> outcomes_{};  // in the window, by LoadOutcome
  sim::LatencyHistogram corrected_;    // ok, from the intended send time (ns)
  sim::LatencyHistogram uncorrected_;  // ok, from the actual send time (ns)
  std::vector<std::uint64_t> step_sent_, step_ok_, step_errors_;
  std::array<std::vector<std::uint64_t>, kLoadOutcomeCount> step_failures_;
  std::map<std::string, std::map<std::string, std::uint64_t, std::less<>>> by_task_;  // transparent: find by string_view
  std::size_t open_step_ = 0;              // the step open_latencies_ belongs to
  sim::LatencyHistogram open_latencies_;   // corrected, completions in open_step_
};

}  // namespace fleetsim::loadgen
