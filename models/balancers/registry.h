// The balancer algorithms by name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/balancers/balancer.h"

namespace fleetsim::models {

struct BalancerSettings {
  double ewma_decay_s = 10;         // peak_ewma
  std::uint32_t ring_points = 160;  // consistent_hash, per unit of weight
};

// The algorithm's names, in a stable order for messages and docs.
const std::vector<std::string>& balancer_names();
// A new instance, or nullptr for an unknown name.
std::unique_ptr<Balancer> make_balancer(const std::string& name, const BalancerSettings& settings);

}  // namespace fleetsim::models
