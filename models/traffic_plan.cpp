#include "models/traffic_plan.h"

#include <algorithm>

namespace fleetsim::models {

TrafficPlan::TrafficPlan(const scenario::Scenario& s)
    : schedule_(s.traffic.profile, s.traffic.arrivals),
      clients_(std::max<std::uint32_t>(1, s.traffic.clients)),
      arrival_rng_(sim::Rng::stream(s.replay_seed(), "traffic.arrivals")),
      route_rng_(sim::Rng::stream(s.replay_seed(), "traffic.routes")),
      client_rng_(sim::Rng::stream(s.replay_seed(), "traffic.clients")) {
  double total = 0;
  for (const auto& route : s.traffic.routes) {
    total += route.weight;
    cumulative_weight_.push_back(total);
  }
}

TrafficPlan::Send TrafficPlan::next() {
  Send send = next_identity();
  send.at = schedule_.next(arrival_rng_);
  return send;
}

TrafficPlan::Send TrafficPlan::next_identity() {
  Send send{0, 0, 0};
  // A route is drawn only when there is a choice, so one-route scenarios keep that stream unused.
  if (cumulative_weight_.size() > 1) {
    const double u = route_rng_.uniform01() * cumulative_weight_.back();
    const auto route = static_cast<std::size_t>(
        std::upper_bound(cumulative_weight_.begin(), cumulative_weight_.end(), u) - cumulative_weight_.begin());
    send.route = static_cast<std::uint32_t>(std::min(route, cumulative_weight_.size() - 1));
  }
  send.client = static_cast<std::uint32_t>(client_rng_.below(clients_));
  return send;
}

}  // namespace fleetsim::models
