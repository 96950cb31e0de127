// Regions: every region runs its own copy of the fleet. expand_regions() turns a scenario with
// regions into one whose services and hosts are repeated per region ("catalog@us-west-2"), calls
// staying inside their region; the rest of the simulator then needs to know nothing of regions
// but which region a service or host belongs to.
#pragma once

#include "scenario/scenario.h"

namespace fleetsim::models {

// The scenario as the simulator runs it. Without regions, a copy of `s`.
scenario::Scenario expand_regions(const scenario::Scenario& s);

inline std::uint32_t region_of_service(const scenario::Scenario& s, std::uint32_t service) {
  return service / s.base_services;
}
inline std::uint32_t region_of_host(const scenario::Scenario& s, std::uint32_t host) {
  return s.hosts_per_region == 0 ? 0 : host / s.hosts_per_region;
}

}  // namespace fleetsim::models
