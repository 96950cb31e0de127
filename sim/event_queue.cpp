#include "sim/event_queue.h"

#include <cassert>

namespace fleetsim::sim {

namespace {
[[maybe_unused]] constexpr std::uint64_t kSequenceMask = (std::uint64_t{1} << 56) - 1;  // read by the assert only
}

void EventQueue::push(SimTime time, Priority priority, EventHandler* handler, std::uint64_t tag) {
  assert(next_sequence_ <= kSequenceMask && "event sequence exhausted");
  const Event event{time, (std::uint64_t{static_cast<std::uint8_t>(priority)} << 56) | next_sequence_++,
                    handler, tag};
  // Sift up with a hole instead of swaps: one write per level.
  std::size_t hole = heap_.size();
  heap_.push_back(event);
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / 2;
    if (!earlier(event, heap_[parent])) break;
    heap_[hole] = heap_[parent];
    hole = parent;
  }
  heap_[hole] = event;
}

Event EventQueue::pop() {
  assert(!heap_.empty());
  const Event result = heap_.front();
  const Event last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return result;
  // Sift the former last element down from the root, again with a hole.
  std::size_t hole = 0;
  for (;;) {
    std::size_t child = 2 * hole + 1;
    if (child >= n) break;
    if (child + 1 < n && earlier(heap_[child + 1], heap_[child])) ++child;
    if (!earlier(heap_[child], last)) break;
    heap_[hole] = heap_[child];
    hole = child;
  }
  heap_[hole] = last;
  return result;
}

}  // namespace fleetsim::sim
