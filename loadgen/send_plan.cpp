#include "loadgen/send_plan.h"

#include <algorithm>

namespace fleetsim::loadgen {

SendPlan::SendPlan(const scenario::Scenario& s, double duration_s)
    : schedule_(s.traffic.profile, s.traffic.arrivals),
      end_(sim::from_seconds(duration_s)),
      clients_(std::max<std::uint32_t>(1, s.traffic.clients)),
      arrival_rng_(sim::Rng::stream(s.seed, "traffic.arrivals")),
      route_rng_(sim::Rng::stream(s.seed, "traffic.routes")),
      client_rng_(sim::Rng::stream(s.seed, "traffic.clients")) {
  double total = 0;
  for (const auto& route : s.traffic.routes) {
    total += route.weight;
    cumulative_weight_.push_back(total);
    paths_.push_back(route.path.empty() ? "/" : route.path);
  }
  if (paths_.empty()) paths_.push_back("/");
  if (s.traffic.profile.empty()) done_ = true;
}

void SendPlan::next_identity(PlannedSend& out) {
  // Exactly TrafficSource::on_event's draws: a route only when there is a choice, then a client.
  std::size_t route = 0;
  if (cumulative_weight_.size() > 1) {
    const double u = route_rng_.uniform01() * cumulative_weight_.back();
    route = static_cast<std::size_t>(std::upper_bound(cumulative_weight_.begin(), cumulative_weight_.end(), u) -
                                     cumulative_weight_.begin());
    route = std::min(route, cumulative_weight_.size() - 1);
  }
  out.route = static_cast<std::uint32_t>(route);
  out.client = static_cast<std::uint32_t>(client_rng_.below(clients_));
}

bool SendPlan::next(PlannedSend& out) {
  if (done_) return false;
  const sim::SimTime at = schedule_.next(arrival_rng_);
  if (at >= end_) {
    done_ = true;
    return false;
  }
  out.at_ns = at;
  next_identity(out);
  return true;
}

const std::string& SendPlan::path(std::uint32_t route) const { return paths_[route < paths_.size() ? route : 0]; }

std::vector<PlannedSend> whole_send_plan(const scenario::Scenario& scenario, double duration_s) {
  SendPlan plan(scenario, duration_s);
  std::vector<PlannedSend> sends;
  PlannedSend p;
  while (plan.next(p)) sends.push_back(p);
  return sends;
}

}  // namespace fleetsim::loadgen
