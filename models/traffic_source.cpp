#include "models/traffic_source.h"

#include <algorithm>

namespace fleetsim::models {

TrafficSource::TrafficSource(sim::Engine& engine, RequestFlow& flow, const ServiceCatalog& catalog, const scenario::Scenario& s)
    : engine_(engine),
      flow_(flow),
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
    route_service_.push_back(catalog.index_of(route.service));
  }
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
  flow_.start_client_request(route_service_[route], client);
  schedule_next();
}

}  // namespace fleetsim::models
