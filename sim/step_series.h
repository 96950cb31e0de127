// Per-step time series: counters, gauges and latency quantiles per fixed step of time.
//
// Recording times must not decrease (virtual time does not, and the load generator closes a
// step only after its grace period), so one histogram for the open step is enough: when time
// passes a step boundary, the step's quantiles are computed and the histogram is reused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/histogram.h"
#include "sim/time.h"

namespace fleetsim::sim {

class StepSeries {
 public:
  // Steps cover [start, start + steps × step). Recordings outside are ignored.
  StepSeries(SimTime start, SimTime step, std::size_t steps);

  // Named columns; returns the index to record with.
  std::size_t add_counter(std::string name);
  std::size_t add_gauge(std::string name);

  void count(SimTime t, std::size_t counter, std::uint64_t n = 1);
  // Sets the gauge's value for the step containing t (the last value set in a step wins).
  void set_gauge(SimTime t, std::size_t gauge, double value);
  void record_latency(SimTime t, SimTime latency_ns);
  // Closes every step that ends at or before t; call once more with the end time when done.
  void close_through(SimTime t);

  SimTime start() const { return start_; }
  SimTime step() const { return step_; }
  std::size_t steps() const { return steps_; }
  const std::string& counter_name(std::size_t i) const { return counter_names_[i]; }
  const std::vector<std::uint64_t>& counter(std::size_t i) const { return counters_[i]; }
  const std::string& gauge_name(std::size_t i) const { return gauge_names_[i]; }
  const std::vector<double>& gauge(std::size_t i) const { return gauges_[i]; }
  std::size_t counter_count() const { return counters_.size(); }
  std::size_t gauge_count() const { return gauges_.size(); }
  // Latency quantiles per closed step, in ns (0 for a step without completions).
  const std::vector<SimTime>& p50() const { return p50_; }
  const std::vector<SimTime>& p99() const { return p99_; }

 private:
  // Index of the step holding t, or steps_ if outside.
  std::size_t step_of(SimTime t) const;
  void close_open_step();

  SimTime start_;
  SimTime step_;
  std::size_t steps_;
  std::vector<std::string> counter_names_;
  std::vector<std::vector<std::uint64_t>> counters_;
  std::vector<std::string> gauge_names_;
  std::vector<std::vector<double>> gauges_;
  std::vector<SimTime> p50_;
  std::vector<SimTime> p99_;
  std::size_t open_step_ = 0;  // steps before it are closed
  LatencyHistogram open_latency_;
};

}  // namespace fleetsim::sim
