// A host's dynamic ports: hands out ports from a range to the tasks placed on it and takes them
// back when they stop (Docker's port allocator under ECS bridge networking with hostPort 0).
//
// Which free port comes next decides how soon a stopped task's port is reused by another task,
// and so how likely a stale upstream entry reaches the wrong service:
//   sequential: the first free port after the last one handed out, wrapping (Docker);
//   lowest:     the lowest free port (reuse at once: the worst case for stale entries);
//   random:     uniform among free ports.
// O(log n) per operation in the number of ports in use; no memory per free port.
#pragma once

#include <cstdint>
#include <optional>
#include <set>

#include "scenario/scenario.h"
#include "sim/rng.h"

namespace fleetsim::models {

class PortAllocator {
 public:
  PortAllocator(std::uint32_t first, std::uint32_t last, scenario::Hosts::PortReuse order)
      : first_(first), last_(last), order_(order), next_(first) {}

  // A free port, or nothing when the range is exhausted.
  std::optional<std::uint32_t> acquire(sim::Rng& rng);
  void release(std::uint32_t port) { used_.erase(port); }
  std::size_t in_use() const { return used_.size(); }

 private:
  // The first free port at or after `from` (wrapping), assuming one exists.
  std::uint32_t first_free_from(std::uint32_t from) const;
  std::uint32_t first_;
  std::uint32_t last_;
  scenario::Hosts::PortReuse order_;
  std::uint32_t next_;           // sequential: where the search starts
  std::set<std::uint32_t> used_;
};

}  // namespace fleetsim::models
