// What one load thread measured (LoadRecorder), kept as a LoadTally that merges exactly across
// threads and MPI ranks at the end (counts add, histograms add bucket by bucket; no percentile is
// ever averaged).
//
// Requests belong to the measurement window by their intended send time; the per-step series
// counts sends by intended time and completions (ok, errors, latency) by completion time.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/load_outcome.h"
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

// What a run measured, as a value: the counts, per-step series and histograms of every thread
// of one process, or of every rank of an MPI run. Tallies merge exactly (counts add, histograms
// add bucket by bucket), so merging the tallies of any split of the requests gives what one
// recorder of all of them would have recorded; percentiles are read from the merged histograms
// only. loadgen/load_tally_words.h sends one between processes.
struct LoadTally {
  using TaskCounts = std::map<std::string, std::uint64_t, std::less<>>;  // transparent: find by string_view

  explicit LoadTally(std::size_t steps = 1);

  // Adds `other` (which must have as many steps; std::invalid_argument otherwise). wall_s becomes
  // the longer of the two, since merged parts ran side by side.
  void merge(const LoadTally& other);
  std::size_t steps() const { return step_sent.size(); }

  std::uint64_t sent = 0;                                 // in the window
  std::array<std::uint64_t, kLoadOutcomeCount> outcomes{};  // in the window, by LoadOutcome
  sim::LatencyHistogram corrected;    // ok in the window, from the intended send time (ns)
  sim::LatencyHistogram uncorrected;  // ok in the window, from the actual send time (ns)
  // Per step of the run (window or not): sends by intended time, completions by completion time.
  std::vector<std::uint64_t> step_sent, step_ok, step_errors;
  std::array<std::vector<std::uint64_t>, kLoadOutcomeCount> step_failures;  // failed completions, by LoadOutcome
  std::vector<sim::LatencyHistogram> step_latencies;  // corrected latency of ok completions, per step (ns)
  std::map<std::string, TaskCounts> by_task;  // ok answers in the window by service, then by answering task
  std::uint64_t planned_total = 0;  // sends over the whole run, window or not
  double wall_s = 0;                // from the start to the last thread's end
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

  // This thread's counts and histograms. Its step latencies are not in it (they are left empty):
  // they are in the shared StepLatencies.
  const LoadTally& tally() const { return tally_; }

 private:
  bool in_window(sim::SimTime t) const { return t >= window_start_ && t < window_end_; }
  std::size_t step_of(sim::SimTime t) const;

  sim::SimTime window_start_, window_end_, step_;
  std::size_t steps_;
  StepLatencies& step_latencies_;
  LiveCounters& live_;
  LoadTally tally_;
  std::size_t open_step_ = 0;              // the step open_latencies_ belongs to
  sim::LatencyHistogram open_latencies_;   // corrected, completions in open_step_
};

}  // namespace fleetsim::loadgen
