// A binary min-heap of events ordered by (time, priority, sequence).
//
// Invariants: the sequence number is assigned at push and strictly increases, so two events
// at the same time and priority pop in the order they were pushed (FIFO), and the order never
// depends on pointer values or hashing. Storage is one vector that only grows to the largest
// number of pending events, so the steady state allocates nothing.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace fleetsim::sim {

class EventHandler;

// Lower runs first among events at the same time.
enum class Priority : std::uint8_t { kFirst = 0, kEarly = 64, kNormal = 128, kLate = 192, kLast = 255 };

struct Event {
  SimTime time;
  std::uint64_t order;     // priority in the top 8 bits, push sequence in the low 56 bits
  EventHandler* handler;   // not owned; must outlive the event
  std::uint64_t tag;       // meaning is the handler's own (request index, timer kind, ...)
};

class EventQueue {
 public:
  void push(SimTime time, Priority priority, EventHandler* handler, std::uint64_t tag);
  // Removes and returns the earliest event. Precondition: !empty().
  Event pop();
  const Event& top() const { return heap_.front(); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void reserve(std::size_t n) { heap_.reserve(n); }
  void clear() { heap_.clear(); }

 private:
  static bool earlier(const Event& a, const Event& b) {
    return a.time < b.time || (a.time == b.time && a.order < b.order);
  }
  std::vector<Event> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace fleetsim::sim
