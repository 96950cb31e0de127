// The versions of each service's code: version 0 as the scenario describes the service, then one
// per deploy fault in time order. Tasks carry a version index into this list.
#pragma once

#include <vector>

#include "scenario/scenario.h"

namespace fleetsim::models {

struct ServiceVersions {
  // versions[service][k]
  std::vector<std::vector<scenario::Version>> versions;
  // For fault i: the version index it deploys, or -1 when it is not a deploy.
  std::vector<int> version_of_fault;
};

inline ServiceVersions service_versions(const scenario::Scenario& s) {
  ServiceVersions out;
  for (const auto& service : s.services) {
    scenario::Version v0;
    v0.label = "v1";
    v0.service_time = service.service_time;
    v0.error_rate = service.error_rate;
    v0.startup_s = service.task.startup_s;
    out.versions.push_back({v0});
  }
  for (const auto& fault : s.faults) {
    int index = -1;
    if (fault.kind == scenario::Fault::Kind::kDeploy) {
      for (std::size_t i = 0; i < s.services.size(); ++i) {
        if (s.services[i].name != fault.service) continue;
        out.versions[i].push_back(fault.version);
        index = static_cast<int>(out.versions[i].size() - 1);
      }
    }
    out.version_of_fault.push_back(index);
  }
  return out;
}

}  // namespace fleetsim::models
