// One factory per balancer algorithm, each defined in the algorithm's own file.
//
// registry.cpp maps names to these; an algorithm that falls back to another (ip_hash to nginx's
// weighted round robin) builds it here too. Everyone else goes through make_balancer().
#pragma once

#include <memory>

#include "models/balancers/balancer.h"
#include "models/balancers/registry.h"

namespace fleetsim::models {

std::unique_ptr<Balancer> make_round_robin(const BalancerSettings& settings);
std::unique_ptr<Balancer> make_weighted_round_robin(const BalancerSettings& settings);
std::unique_ptr<Balancer> make_least_conn(const BalancerSettings& settings);
std::unique_ptr<Balancer> make_ip_hash(const BalancerSettings& settings);
std::unique_ptr<Balancer> make_consistent_hash(const BalancerSettings& settings);
std::unique_ptr<Balancer> make_random(const BalancerSettings& settings);
std::unique_ptr<Balancer> make_p2c(const BalancerSettings& settings);
std::unique_ptr<Balancer> make_peak_ewma(const BalancerSettings& settings);

}  // namespace fleetsim::models
