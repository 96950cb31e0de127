#include "loadgen/send_plan.h"

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

std::vector<PlannedSend> whole_send_plan(const scenario::Scenario& scenario, double duration_s) {
  SendPlan plan(scenario, duration_s);
  std::vector<PlannedSend> sends;
  PlannedSend p;
  while (plan.next(p)) sends.push_back(p);
  return sends;
}

}  // namespace fleetsim::loadgen
