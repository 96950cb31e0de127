#include "models/fleet.h"

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

Fleet::Fleet(const scenario::Scenario& s) {
  const BalancerSettings settings{s.balancer.ewma_decay_s, s.balancer.ring_points};
  services_.reserve(s.services.size());
  for (const auto& spec : s.services) {
    const std::string stream = "service." + spec.name;
    ServiceState service{spec.name,
                         DurationSampler(spec.service_time),
                         spec.error_rate,
                         {},
                         static_cast<std::uint32_t>(tasks_.size()),
                         spec.replicas,
                         spec.task.workers,
                         {},
                         {},
                         sim::Rng::stream(s.seed, stream + ".time"),
                         sim::Rng::stream(s.seed, stream + ".errors"),
                         sim::Rng::stream(s.seed, stream + ".calls")};
    std::vector<Backend> backends;
    for (std::uint32_t i = 0; i < spec.replicas; ++i) {
      tasks_.push_back({static_cast<std::uint32_t>(services_.size()), TaskStation(spec.task.workers, spec.task.queue_limit)});
      const double weight = spec.weights.empty() ? 1.0 : spec.weights[i % spec.weights.size()];
      backends.push_back({sim::fnv1a64(spec.name + "#" + std::to_string(i)), weight});
    }
    for (std::uint32_t b = 0; b < s.balancer.instances; ++b) {
      auto balancer = make_balancer(s.balancer.algorithm, settings);
      balancer->set_backends(backends);
      service.balancers.push_back(std::move(balancer));
      service.balancer_rngs.push_back(sim::Rng::stream(s.seed, "balancer." + spec.name + "." + std::to_string(b)));
    }
    services_.push_back(std::move(service));
  }
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    for (const auto& call : s.services[i].calls) {
      services_[i].calls.push_back({service_index(call.service), call.probability});
    }
  }
}

std::uint32_t Fleet::service_index(const std::string& name) const {
  for (std::size_t i = 0; i < services_.size(); ++i) {
    if (services_[i].name == name) return static_cast<std::uint32_t>(i);
  }
  return UINT32_MAX;  // names are validated before a Fleet is built
}

}  // namespace fleetsim::models
