#include "models/regions.h"

#include <algorithm>

namespace fleetsim::models {

namespace {
std::string qualified(const std::string& service, const std::string& region) { return service + "@" + region; }
}  // namespace

scenario::Scenario expand_regions(const scenario::Scenario& s) {
  scenario::Scenario out = s;
  if (s.regions.empty()) return out;
  const auto regions = static_cast<std::uint32_t>(s.regions.size());
  out.region_count = regions;
  out.base_services = static_cast<std::uint32_t>(s.services.size());
  out.hosts_per_region = s.hosts.count;
  out.services.clear();
  for (const auto& region : s.regions) {
    for (auto service : s.services) {
      service.name = qualified(service.name, region.name);
      for (auto& call : service.calls) call.service = qualified(call.service, region.name);
      out.services.push_back(service);
    }
  }
  if (s.hosts.given) out.hosts.count = s.hosts.count * regions;
  // Zones are per region (Fargate tasks are spread over them too).
  out.hosts.zones.clear();
  for (const auto& region : s.regions) {
    for (const auto& zone : s.hosts.zones) out.hosts.zones.push_back(region.name + "/" + zone);
  }
  // Faults on a plain service name hit the first region's copy (the primary in active-passive).
  const std::string first = s.regions.front().name;
  std::string primary = first;
  for (const auto& region : s.regions) {
    if (region.role == scenario::Region::Role::kPrimary) primary = region.name;
  }
  for (auto& fault : out.faults) {
    if (!fault.service.empty() && fault.service.find('@') == std::string::npos) {
      fault.service = qualified(fault.service, primary);
    }
    if (!fault.zone.empty() && fault.zone.find('/') == std::string::npos) fault.zone = primary + "/" + fault.zone;
  }
  // Routes keep naming base services: the traffic source picks the region per client.
  return out;
}

}  // namespace fleetsim::models
