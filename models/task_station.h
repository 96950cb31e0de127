// One task's request handling: `workers` requests in service at once, the rest waiting in a
// FIFO queue of at most `queue_limit` (unbounded when negative). With Poisson arrivals and
// exponential service, one station is an M/M/c queue.
//
// The station only keeps order; the caller schedules the service completions in time.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/ring_queue.h"

namespace fleetsim::models {

class TaskStation {
 public:
  enum class Admission { kStarted, kQueued, kRejected };

  TaskStation(std::uint32_t workers, std::int64_t queue_limit) : workers_(workers), queue_limit_(queue_limit) {}

  // A request arrives: it starts at once, waits, or is turned away (queue full).
  Admission admit(std::uint32_t request) {
    if (busy_ < workers_) {
      ++busy_;
      return Admission::kStarted;
    }
    if (queue_limit_ >= 0 && static_cast<std::int64_t>(waiting_.size()) >= queue_limit_) return Admission::kRejected;
    waiting_.push(request);
    return Admission::kQueued;
  }
  // A worker finished. Returns true and the next request in `next` if one waited (the worker
  // takes it at once); otherwise the worker goes idle.
  bool release(std::uint32_t& next) {
    if (!waiting_.empty()) {
      next = waiting_.pop();
      return true;
    }
    --busy_;
    return false;
  }
  // Moves every waiting request to `out` (a killed task: their connections are reset).
  void take_waiting(std::vector<std::uint32_t>& out) {
    while (!waiting_.empty()) out.push_back(waiting_.pop());
  }
  // Empties the station: no worker busy, nothing waiting.
  void clear() {
    while (!waiting_.empty()) waiting_.pop();
    busy_ = 0;
  }
  std::uint32_t busy() const { return busy_; }
  std::size_t waiting() const { return waiting_.size(); }
  std::uint32_t workers() const { return workers_; }

 private:
  std::uint32_t workers_;
  std::int64_t queue_limit_;
  std::uint32_t busy_ = 0;
  sim::RingQueue<std::uint32_t> waiting_;
};

}  // namespace fleetsim::models
