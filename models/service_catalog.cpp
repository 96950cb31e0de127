#include "models/service_catalog.h"

#include <algorithm>

#include "models/balancers/registry.h"
#include "models/call_graph.h"
#include "scenario/input_error.h"

namespace fleetsim::models {

void check_model_inputs(const scenario::Scenario& s) {
  const auto& names = balancer_names();
  if (std::find(names.begin(), names.end(), s.balancer.algorithm) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw scenario::InputError(s.file, "balancer.algorithm",
                               "unknown algorithm \"" + s.balancer.algorithm + "\"; expected one of " + list);
  }
  check_call_graph(s);
}

ServiceCatalog::ServiceCatalog(const scenario::Scenario& s) {
  const BalancerSettings settings{s.balancer.ewma_decay_s, s.balancer.ring_points};
  services_.reserve(s.services.size());
  for (const auto& spec : s.services) {
    const std::string stream = "service." + spec.name;
    ServiceEntry entry{spec.name,
                       DurationSampler(spec.service_time),
                       spec.error_rate,
                       {},
                       spec.task.workers,
                       {},
                       {},
                       sim::Rng::stream(s.seed, stream + ".time"),
                       sim::Rng::stream(s.seed, stream + ".errors"),
                       sim::Rng::stream(s.seed, stream + ".calls")};
    for (std::uint32_t b = 0; b < s.balancer.instances; ++b) {
      entry.groups.emplace_back(make_balancer(s.balancer.algorithm, settings), s.balancer.passive, s.balancer.health_check,
                                s.balancer.outlier);
      entry.balancer_rngs.push_back(sim::Rng::stream(s.seed, "balancer." + spec.name + "." + std::to_string(b)));
    }
    services_.push_back(std::move(entry));
  }
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    for (const auto& call : s.services[i].calls) services_[i].calls.push_back({index_of(call.service), call.probability});
  }
}

std::uint32_t ServiceCatalog::index_of(const std::string& name) const {
  for (std::size_t i = 0; i < services_.size(); ++i) {
    if (services_[i].name == name) return static_cast<std::uint32_t>(i);
  }
  return UINT32_MAX;  // names are validated before a catalog is built
}

}  // namespace fleetsim::models
