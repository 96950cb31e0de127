#include "models/port_allocator.h"

namespace fleetsim::models {

std::uint32_t PortAllocator::first_free_from(std::uint32_t from) const {
  std::uint32_t port = from;
  // Walk the used ports that follow `from` until a gap: at most in_use() steps.
  for (auto it = used_.lower_bound(port); it != used_.end() && *it == port; ++it) ++port;
  if (port <= last_) return port;
  port = first_;
  for (auto it = used_.lower_bound(port); it != used_.end() && *it == port; ++it) ++port;
  return port;
}

std::optional<std::uint32_t> PortAllocator::acquire(sim::Rng& rng) {
  const std::uint64_t size = std::uint64_t{last_} - first_ + 1;
  if (used_.size() >= size) return std::nullopt;
  std::uint32_t port = first_;
  switch (order_) {
    case scenario::Hosts::PortReuse::kLowest: port = first_free_from(first_); break;
    case scenario::Hosts::PortReuse::kSequential: port = first_free_from(next_ > last_ ? first_ : next_); break;
    case scenario::Hosts::PortReuse::kRandom:
      // A random start then the next free port: uniform enough while the range is mostly free
      // (thousands of ports, tens of tasks per host).
      port = first_free_from(first_ + static_cast<std::uint32_t>(rng.below(size)));
      break;
  }
  used_.insert(port);
  next_ = port + 1;
  return port;
}

}  // namespace fleetsim::models
