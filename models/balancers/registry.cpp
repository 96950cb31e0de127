#include "models/balancers/registry.h"

#include "models/balancers/factories.h"

namespace fleetsim::models {

const std::vector<std::string>& balancer_names() {
  static const std::vector<std::string> names = {
      "round_robin", "weighted_round_robin", "least_conn", "ip_hash",
      "consistent_hash", "random", "p2c", "peak_ewma"};
  return names;
}

std::unique_ptr<Balancer> make_balancer(const std::string& name, const BalancerSettings& settings) {
  if (name == "round_robin") return make_round_robin(settings);
  if (name == "weighted_round_robin") return make_weighted_round_robin(settings);
  if (name == "least_conn") return make_least_conn(settings);
  if (name == "ip_hash") return make_ip_hash(settings);
  if (name == "consistent_hash") return make_consistent_hash(settings);
  if (name == "random") return make_random(settings);
  if (name == "p2c") return make_p2c(settings);
  if (name == "peak_ewma") return make_peak_ewma(settings);
  return nullptr;
}

}  // namespace fleetsim::models
