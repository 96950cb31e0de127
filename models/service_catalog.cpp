#include "models/service_catalog.h"

#include <algorithm>

#include "models/balancers/registry.h"
#include "models/call_graph.h"
#include "models/versions.h"
#include "scenario/input_error.h"

namespace fleetsim::models {

void check_model_inputs(const scenario::Scenario& s) {
  const auto& names = balancer_names();
  auto check = [&](const std::string& name, const std::string& path) {
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw scenario::InputError(s.file, path, "unknown algorithm \"" + name + "\"; expected one of " + list);
  };
  check(s.balancer.algorithm, "balancer.algorithm");
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    if (!s.services[i].algorithm.empty()) check(s.services[i].algorithm, "services[" + std::to_string(i) + "].algorithm");
  }
  check_call_graph(s);
}

ServiceCatalog::ServiceCatalog(const scenario::Scenario& s) {
  const BalancerSettings settings{s.balancer.ewma_decay_s, s.balancer.ring_points};
  const ServiceVersions versions = service_versions(s);
  services_.reserve(s.services.size());
  for (std::size_t k = 0; k < s.services.size(); ++k) {
    const auto& spec = s.services[k];
    const std::string stream = "service." + spec.name;
    std::vector<VersionEntry> entries;
    for (const auto& v : versions.versions[k]) entries.push_back({DurationSampler(v.service_time), v.error_rate, v.healthy});
    ServiceEntry entry{spec.name,
                       std::move(entries),
                       {},
                       spec.task.workers,
                       {},
                       {},
                       sim::Rng::stream(s.seed, stream + ".time"),
                       sim::Rng::stream(s.seed, stream + ".errors"),
                       sim::Rng::stream(s.seed, stream + ".calls")};
    for (std::uint32_t b = 0; b < s.balancer.instances; ++b) {
      const std::string& algorithm = spec.algorithm.empty() ? s.balancer.algorithm : spec.algorithm;
      entry.groups.emplace_back(make_balancer(algorithm, settings), s.balancer.passive, s.balancer.health_check,
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
