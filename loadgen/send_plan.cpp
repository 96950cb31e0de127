#include "loadgen/send_plan.h"

#include <algorithm>
#include <stdexcept>

namespace fleetsim::loadgen {

SendPlan::SendPlan(const scenario::Scenario& s, double duration_s)
    : plan_(s), end_(sim::from_seconds(duration_s)) {
  for (const auto& route : s.traffic.routes) paths_.push_back(route.path.empty() ? "/" : route.path);
  if (paths_.empty()) paths_.push_back("/");
  if (s.traffic.profile.empty()) done_ = true;
}

void SendPlan::next_identity(PlannedSend& out) {
  const models::TrafficPlan::Send send = plan_.next_identity();
  out.route = send.route;
  out.client = send.client;
  out.sequence = sequence_++;
}

bool SendPlan::next(PlannedSend& out) {
  if (done_) return false;
  const models::TrafficPlan::Send send = plan_.next();
  if (send.at >= end_) {
    done_ = true;
    return false;
  }
  out.at_ns = send.at;
  out.route = send.route;
  out.client = send.client;
  out.sequence = sequence_++;
  return true;
}

const std::string& SendPlan::path(std::uint32_t route) const { return paths_[route < paths_.size() ? route : 0]; }

PlanShare plan_share(const scenario::Scenario& scenario, std::uint32_t rank, std::uint32_t ranks, bool client_sources) {
  if (ranks == 0 || rank >= ranks) throw std::invalid_argument("plan share: rank out of range");
  // TrafficPlan draws clients from [0, max(1, clients)): with fewer clients than ranks, some rank
  // would own no client (and a closed-model connection there would wait forever for one).
  const std::uint32_t clients = std::max<std::uint32_t>(1, scenario.traffic.clients);
  return PlanShare{rank, ranks, client_sources && clients >= ranks};
}

std::vector<PlannedSend> whole_send_plan(const scenario::Scenario& scenario, double duration_s) {
  SendPlan plan(scenario, duration_s);
  std::vector<PlannedSend> sends;
  PlannedSend p;
  while (plan.next(p)) sends.push_back(p);
  return sends;
}

}  // namespace fleetsim::loadgen
