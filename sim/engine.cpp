#include "sim/engine.h"

#include <cassert>

namespace fleetsim::sim {

void Engine::schedule_at(SimTime at, EventHandler& handler, std::uint64_t tag, Priority priority) {
  assert(at >= now_ && "an event cannot be scheduled in the past");
  queue_.push(at, priority, &handler, tag);
}

void Engine::run_until(SimTime end) {
  stopped_ = false;
  while (!queue_.empty() && queue_.top().time <= end) {
    const Event event = queue_.pop();
    now_ = event.time;
    ++events_processed_;
    event.handler->on_event(event.tag);
    if (stopped_) return;
  }
  if (end > now_) now_ = end;
}

}  // namespace fleetsim::sim
