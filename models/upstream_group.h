// One balancer instance's view of one service: nginx's `upstream` block, HAProxy's `backend`,
// an ALB target group. Holds the endpoints discovery gave it (slot -> endpoint), the algorithm,
// and the health state that decides which slots may be picked: nginx passive checks
// (max_fails / fail_timeout), active checks (rise / fall) and Envoy-style outlier ejection.
//
// A new endpoint set (a reload) resets the algorithm's and the passive checks' state, as an
// nginx reload does; active check state is carried over for endpoints that stay (HAProxy and
// ALB keep a target's health across registrations).
//
// Picking never scans all slots: the slots currently held down are kept in a short list that is
// checked (and pruned) at each pick and handed to the algorithm as exclusions.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "models/balancers/balancer.h"
#include "models/cluster.h"
#include "models/health/active_health.h"
#include "models/health/outlier_detector.h"
#include "models/health/passive_health.h"
#include "scenario/health_spec.h"

namespace fleetsim::models {

struct UpstreamMember {
  Endpoint endpoint;
  double weight = 1;
};

class UpstreamGroup {
 public:
  UpstreamGroup(std::unique_ptr<Balancer> algorithm, const scenario::PassiveHealthSpec& passive,
                const scenario::ActiveHealthSpec& active, const scenario::OutlierSpec& outlier);

  // A new endpoint set. `healthy_at_start`: the run's first set, whose members are taken as
  // healthy by active checks (the run starts in steady state).
  void set_members(const std::vector<UpstreamMember>& members, bool healthy_at_start = false);
  std::size_t size() const { return members_.size(); }
  const Endpoint& endpoint(std::size_t slot) const { return members_[slot].endpoint; }
  std::uint32_t generation() const { return algorithm_->generation(); }

  // A slot that is not in `tried` and not held down, or kNoBackend.
  int pick(std::uint32_t client_address, sim::SimTime now, std::span<const std::uint32_t> tried, sim::Rng& rng);
  void on_send(int slot, sim::SimTime now);
  // The attempt's end as the balancer saw it. `failure`: counts against the peer for passive
  // checks (nginx: error, timeout, and the http_ codes listed in proxy_next_upstream);
  // `server_error`: a 5xx, for outlier detection.
  void on_result(int slot, std::uint32_t generation, sim::SimTime now, sim::SimTime latency, bool failure,
                 bool server_error);
  // An active check of `slot` passed or failed (interval and timeout are the caller's).
  void record_check(std::size_t slot, bool passed, sim::SimTime now);
  bool active_checks() const { return active_enabled_; }
  bool healthy_by_check(std::size_t slot) const { return !active_enabled_ || active_.healthy(slot); }

 private:
  bool eligible(std::size_t slot, sim::SimTime now) const;
  void hold_down(std::size_t slot);

  std::unique_ptr<Balancer> algorithm_;
  std::vector<UpstreamMember> members_;
  PassiveHealth passive_;
  bool active_enabled_;
  ActiveHealth active_;
  bool outlier_enabled_;
  OutlierDetector outlier_;
  std::vector<std::uint32_t> held_down_;  // slots that were ineligible when last seen
  std::vector<std::uint8_t> in_held_down_;
  std::vector<std::uint32_t> exclude_;    // scratch for pick(): tried + held down
};

}  // namespace fleetsim::models
