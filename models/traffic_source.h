// Client traffic: arrivals from the rate profile, each assigned a route (by weight) and a
// client identity (uniform over `clients`), handed to the request flow. Arrivals stop at the
// end of the run.
#pragma once

#include <vector>

#include "models/traffic_plan.h"
#include "models/dns_router.h"
#include "models/request_flow.h"
#include "models/service_catalog.h"
#include "sim/engine.h"

namespace fleetsim::models {

class TrafficSource final : public sim::EventHandler {
 public:
  TrafficSource(sim::Engine& engine, RequestFlow& flow, DnsRouter& dns, const scenario::Scenario& scenario);
  // Schedules the first arrival.
  void start();
  void on_event(std::uint64_t tag) override;

 private:
  void schedule_next();
  sim::Engine& engine_;
  RequestFlow& flow_;
  DnsRouter& dns_;
  std::uint32_t base_services_;
  std::vector<sim::SimTime> region_rtt_;
  TrafficPlan plan_;
  TrafficPlan::Send next_;   // drawn ahead, sent at next_.at
  sim::SimTime end_;
  std::vector<std::uint32_t> route_service_; // base service index of each route
};

}  // namespace fleetsim::models
