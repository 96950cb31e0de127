// Time-weighted statistics of a piecewise-constant quantity (tasks running, busy workers):
// its mean, minimum and maximum over an observation window.
#pragma once

#include <algorithm>

#include "sim/time.h"

namespace fleetsim::sim {

class TimeWeighted {
 public:
  // The quantity has `value` from `t` on. Before the window opens, only the value is kept.
  void set(SimTime t, double value) {
    accumulate_to(t);
    value_ = value;
    if (open_) note_extremes();
  }
  void add(SimTime t, double delta) { set(t, value_ + delta); }
  // Starts the window at t; statistics cover [t, close time).
  void open_window(SimTime t) {
    last_ = t;
    start_ = t;
    area_ = 0;
    open_ = true;
    min_ = max_ = value_;
  }
  void close_window(SimTime t) {
    accumulate_to(t);
    open_ = false;
    end_ = t;
  }
  double value() const { return value_; }
  double mean() const {
    const SimTime span = end_ - start_;
    return span > 0 ? area_ / to_seconds(span) : value_;
  }
  double min() const { return min_; }
  double max() const { return max_; }

 private:
  void accumulate_to(SimTime t) {
    if (open_ && t > last_) {
      area_ += value_ * to_seconds(t - last_);
      last_ = t;
    }
  }
  void note_extremes() {
    min_ = std::min(min_, value_);
    max_ = std::max(max_, value_);
  }
  double value_ = 0;
  double area_ = 0;  // value × seconds
  SimTime last_ = 0;
  SimTime start_ = 0;
  SimTime end_ = 0;
  double min_ = 0;
  double max_ = 0;
  bool open_ = false;
};

}  // namespace fleetsim::sim
