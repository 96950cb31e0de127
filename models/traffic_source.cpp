#include "models/traffic_source.h"

namespace fleetsim::models {

TrafficSource::TrafficSource(sim::Engine& engine, RequestFlow& flow, DnsRouter& dns, const scenario::Scenario& s)
    : engine_(engine),
      flow_(flow),
      dns_(dns),
      base_services_(s.base_services),
      plan_(s),
      next_{},
      end_(sim::from_seconds(s.duration_s)) {
  for (const auto& route : s.traffic.routes) {
    // Routes name base services; region r's copy is r × base_services further on.
    const std::string name = s.regions.empty() ? route.service : route.service + "@" + s.regions.front().name;
    std::uint32_t index = 0;
    while (index < base_services_ && s.services[index].name != name) ++index;
    route_service_.push_back(index);
  }
  for (const auto& region : s.regions) region_rtt_.push_back(sim::from_millis(region.rtt_ms));
  if (region_rtt_.empty()) region_rtt_.push_back(0);
}

void TrafficSource::start() { schedule_next(); }

void TrafficSource::schedule_next() {
  next_ = plan_.next();
  if (next_.at < end_) engine_.schedule_at(next_.at, *this, 0, sim::Priority::kEarly);
}

void TrafficSource::on_event(std::uint64_t) {
  const std::uint32_t region = dns_.region_for(next_.client);
  flow_.start_client_request(region * base_services_ + route_service_[next_.route], next_.client, region_rtt_[region]);
  schedule_next();
}

}  // namespace fleetsim::models
