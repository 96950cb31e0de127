#include "sim/step_series.h"

#include <cassert>

namespace fleetsim::sim {

StepSeries::StepSeries(SimTime start, SimTime step, std::size_t steps)
    : start_(start), step_(step), steps_(steps), p50_(steps, 0), p99_(steps, 0) {
  assert(step > 0);
}

std::size_t StepSeries::add_counter(std::string name) {
  counter_names_.push_back(std::move(name));
  counters_.emplace_back(steps_, 0);
  return counters_.size() - 1;
}

std::size_t StepSeries::add_gauge(std::string name) {
  gauge_names_.push_back(std::move(name));
  gauges_.emplace_back(steps_, 0.0);
  return gauges_.size() - 1;
}

std::size_t StepSeries::step_of(SimTime t) const {
  if (t < start_) return steps_;
  const auto index = static_cast<std::size_t>((t - start_) / step_);
  return index < steps_ ? index : steps_;
}

void StepSeries::count(SimTime t, std::size_t counter, std::uint64_t n) {
  const std::size_t s = step_of(t);
  if (s < steps_) counters_[counter][s] += n;
}

void StepSeries::set_gauge(SimTime t, std::size_t gauge, double value) {
  const std::size_t s = step_of(t);
  if (s < steps_) gauges_[gauge][s] = value;
}

void StepSeries::record_latency(SimTime t, SimTime latency_ns) {
  const std::size_t s = step_of(t);
  if (s >= steps_) return;
  if (s > open_step_) close_through(t);
  assert(s >= open_step_ && "latency recorded for a closed step");
  if (s == open_step_) open_latency_.record(latency_ns);
}

void StepSeries::close_open_step() {
  p50_[open_step_] = open_latency_.quantile(0.50);
  p99_[open_step_] = open_latency_.quantile(0.99);
  open_latency_.reset();
  ++open_step_;
}

void StepSeries::close_through(SimTime t) {
  while (open_step_ < steps_ && start_ + static_cast<SimTime>(open_step_ + 1) * step_ <= t) {
    close_open_step();
  }
}

}  // namespace fleetsim::sim
