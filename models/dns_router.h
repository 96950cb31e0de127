// Which region a client's requests go to: DNS with health checks (Route 53 failover records for
// active-passive, weighted records for active-active).
//
// Route 53 checks each region every health_check_interval_s; failure_threshold failures in a row
// mark it unhealthy (as many passes bring it back). Its answer is the primary while healthy, else
// the first healthy standby (active-passive), or a weighted choice among healthy active regions.
// A client keeps an answer for dns_ttl_s (a sticky_share of clients, chosen by client id, for
// sticky_extra_s longer), so failover takes about detection + TTL to reach it.
#pragma once

#include <vector>

#include "models/cluster.h"
#include "models/run_metrics.h"
#include "sim/engine.h"
#include "sim/rng.h"

namespace fleetsim::models {

class DnsRouter final : public sim::EventHandler {
 public:
  DnsRouter(sim::Engine& engine, const scenario::Scenario& scenario, const Cluster& cluster, RunMetrics& metrics);
  void start();
  // The region `client` sends to now (resolving again when its cached answer expired).
  std::uint32_t region_for(std::uint32_t client);
  void on_event(std::uint64_t tag) override;

 private:
  std::uint32_t answer();
  sim::Engine& engine_;
  const scenario::Scenario& scenario_;
  const Cluster& cluster_;
  RunMetrics& metrics_;
  sim::Rng rng_;
  std::vector<bool> healthy_;             // Route 53's view, per region
  std::vector<std::uint32_t> streak_;     // consecutive checks against that view
  std::uint32_t current_answer_ = 0;      // active-passive
  std::vector<std::uint32_t> client_region_;
  std::vector<sim::SimTime> client_expiry_;
};

}  // namespace fleetsim::models
