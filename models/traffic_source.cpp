#include "models/traffic_source.h"

#include <algorithm>

namespace fleetsim::models {

TrafficSource::TrafficSource(sim::Engine& engine, RequestFlow& flow, DnsRouter& dns, const scenario::Scenario& s)
    : engine_(engine),
      flow_(flow),
      dns_(dns),
      base_services_(s.base_services),
      schedule_(s.traffic.profile, s.traffic.arrivals),
      end_(sim::from_seconds(s.duration_s)),
      clients_(s.traffic.clients),
      arrival_rng_(sim::Rng::stream(s.seed, "traffic.arrivals")),
      route_rng_(sim::Rng::stream(s.seed, "traffic.routes")),
      client_rng_(sim::Rng::stream(s.seed, "traffic.clients")) {
  double total = 0;
  for (const auto& route : s.traffic.routes) {
    total += route.weight;
    cumulative_weight_.push_back(total);
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
  const sim::SimTime at = schedule_.next(arrival_rng_);
  if (at < end_) engine_.schedule_at(at, *this, 0, sim::Priority::kEarly);
}

void TrafficSource::on_event(std::uint64_t) {
  std::size_t route = 0;
  if (cumulative_weight_.size() > 1) {
    const double u = route_rng_.uniform01() * cumulative_weight_.back();
    route = static_cast<std::size_t>(std::upper_bound(cumulative_weight_.begin(), cumulative_weight_.end(), u) -
                                     cumulative_weight_.begin());
    route = std::min(route, cumulative_weight_.size() - 1);
  }
  const auto client = static_cast<std::uint32_t>(client_rng_.below(clients_));
  const std::uint32_t region = dns_.region_for(client);
  flow_.start_client_request(region * base_services_ + route_service_[route], client, region_rtt_[region]);
  schedule_next();
}

}  // namespace fleetsim::models
