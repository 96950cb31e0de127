// The services as the request flow needs them: service-time samplers, error rates, resolved
// downstream calls, random streams, and one upstream group per balancer instance.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/duration_sampler.h"
#include "models/upstream_group.h"
#include "scenario/scenario.h"
#include "sim/rng.h"

namespace fleetsim::models {

struct ResolvedCall {
  std::uint32_t service;  // index into the catalog
  double probability;
};

// One version of a service's code as requests see it.
struct VersionEntry {
  DurationSampler service_time;
  double error_rate = 0;
  bool healthy = true;  // its tasks pass health checks
};

struct ServiceEntry {
  std::string name;
  std::vector<VersionEntry> versions;  // version 0, then one per deploy (models/versions.h)
  std::vector<ResolvedCall> calls;
  std::uint32_t workers_per_task = 1;
  std::vector<UpstreamGroup> groups;   // one per balancer instance
  std::vector<sim::Rng> balancer_rngs; // one per instance
  sim::Rng time_rng;  // shared by all versions
  sim::Rng error_rng;
  sim::Rng call_rng;
};

class ServiceCatalog {
 public:
  explicit ServiceCatalog(const scenario::Scenario& scenario);
  std::vector<ServiceEntry>& services() { return services_; }
  const std::vector<ServiceEntry>& services() const { return services_; }
  ServiceEntry& operator[](std::uint32_t i) { return services_[i]; }
  const ServiceEntry& operator[](std::uint32_t i) const { return services_[i]; }
  std::uint32_t index_of(const std::string& name) const;

 private:
  std::vector<ServiceEntry> services_;
};

// Checks what the scenario parser cannot: the balancer name against the registry, and the call
// graph for cycles. Throws scenario::InputError.
void check_model_inputs(const scenario::Scenario& scenario);

}  // namespace fleetsim::models
