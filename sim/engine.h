// The discrete-event engine: a virtual clock and an event queue. It knows events and time,
// nothing of what the events mean.
//
// Thread safety: none; one engine per thread. Two engines side by side share nothing.
#pragma once

#include <cstdint>

#include "sim/event_queue.h"
#include "sim/time.h"

namespace fleetsim::sim {

// Receives the events it scheduled. The tag is whatever the handler chose when scheduling.
class EventHandler {
 public:
  virtual void on_event(std::uint64_t tag) = 0;

 protected:
  ~EventHandler() = default;
};

class Engine {
 public:
  SimTime now() const { return now_; }

  // Schedules `handler.on_event(tag)` at absolute time `at` (>= now()).
  void schedule_at(SimTime at, EventHandler& handler, std::uint64_t tag,
                   Priority priority = Priority::kNormal);
  // Schedules after `delay` (>= 0) from now().
  void schedule_in(SimTime delay, EventHandler& handler, std::uint64_t tag,
                   Priority priority = Priority::kNormal) {
    schedule_at(now_ + delay, handler, tag, priority);
  }

  // Runs every event with time <= `end` in order, then sets the clock to `end`.
  // Returns early, with the clock at the last event, if stop() was called.
  void run_until(SimTime end);
  // Makes run_until return after the current event.
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }

  std::uint64_t events_processed() const { return events_processed_; }
  std::size_t pending_events() const { return queue_.size(); }
  void reserve(std::size_t pending) { queue_.reserve(pending); }

 private:
  EventQueue queue_;
  SimTime now_ = 0;
  std::uint64_t events_processed_ = 0;
  bool stopped_ = false;
};

}  // namespace fleetsim::sim
